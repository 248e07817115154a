"""Fills the database with companies and reports spread as in real life, for
the benchmarks (bench/, `make bench`) and nothing else.

    python manage.py generate_data --reports 2000000 [--companies 1000] [--replace]

Reports: categories drawn from the loaded tree (`load_categories` first),
five years of dates (more recent years busier), statuses by age as
reports/lifecycle.py moves them (old ones answered, closed or read; recent ones
waiting), French descriptions where each of the COMMON_WORDS is in about 10 %
of the reports and each of the RARE_WORDS in about 150 per million, 70 % of
consumers keeping their identity from the company, the companies' answers,
the consumers' reviews, attachments' rows (metadata only, no file), phones and
websites each shared by a cluster of reports, and one company (BIG_SIREN) with
more than 10,000 reports over its head office and establishments.

Companies: the register is imported by `import_sirene` (bench/sirene_files.py
makes a million establishments); --companies N only tops it up to N with
establishments made here, for a small database or a test.

On PostgreSQL the rows go through COPY into a temporary table, then into the
reports table with their search vector computed as reports.search.VECTOR_SQL
computes it (the company's name weighted A, the description, the answer), so
each row is written once. Elsewhere (SQLite), bulk_create in batches.
"""

import bisect
import json
import random
import uuid
from contextlib import contextmanager
from datetime import timedelta
from itertools import accumulate

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from companies.identifiers import luhn_is_valid
from companies.models import Company, LegalUnit, Website, WebsiteState
from reports.lifecycle import (
    EXPIRY_WHEN_COMPANY_HAS_NO_USERS,
    EXPIRY_WHEN_COMPANY_HAS_USERS,
)
from reports.models import (
    ENGAGEMENT_DELAY_DAYS,
    RESPONSE_REASONS,
    Attachment,
    Category,
    CompanyKind,
    Report,
    ReportStatus,
    Response,
    ResponseKind,
    Review,
    ReviewAbout,
    ScanState,
)
from reports.search import SEARCH_CONFIG
from reports.services.filing import REFERENCE_ALPHABET

S = ReportStatus
YEARS = 5
CHUNK = 100_000

# The company with the most reports: a head office and its establishments.
BIG_SIREN = "552100554"
BIG_NAME = "HYPERMARCHES DU GRAND OUEST"
BIG_ESTABLISHMENTS = 40
BIG_MIN_REPORTS = 10_500

# Each in about 10 % of the descriptions (their stems are unique to them).
COMMON_WORDS = [
    "remboursement",
    "livraison",
    "commande",
    "garantie",
    "facture",
    "abonnement",
    "vendeur",
    "colis",
    "contrat",
    "étiquette",
]
COMMON_SHARE = 0.10
COMMON_PHRASES = {
    "remboursement": ["J’attends toujours le remboursement promis.", "On me refuse tout remboursement."],
    "livraison": ["La livraison n’a jamais eu lieu.", "Des frais de livraison cachés ont été ajoutés."],
    "commande": ["Ma commande a été annulée sans explication.", "J’ai passé commande il y a un mois."],
    "garantie": ["Le magasin refuse d’appliquer la garantie.", "La garantie légale m’a été refusée."],
    "facture": ["La facture ne correspond pas au devis.", "Je n’ai jamais reçu de facture."],
    "abonnement": ["Un abonnement a été souscrit à mon insu.", "Impossible de résilier mon abonnement."],
    "vendeur": ["Le vendeur a été très agressif.", "Le vendeur ne répond plus à mes messages."],
    "colis": ["Le colis est arrivé abîmé.", "Mon colis a été déclaré livré mais je ne l’ai pas reçu."],
    "contrat": ["Le contrat a été modifié sans mon accord.", "On m’a fait signer un contrat au téléphone."],
    "étiquette": ["Le prix en caisse n’est pas celui de l’étiquette.", "L’étiquette n’indiquait pas l’origine."],
}
# Each in about 150 reports per million.
RARE_WORDS = [
    "trottinette",
    "kombucha",
    "photovoltaïque",
    "pergola",
    "marmite",
    "téléski",
    "harmonica",
    "bouilloire",
    "aquarium",
    "trampoline",
]
RARE_SHARE = 150 / 1_000_000
OPENINGS = [
    "Bonjour, je souhaite signaler un problème.",
    "Je me suis rendu dans cet établissement la semaine dernière.",
    "Depuis plusieurs semaines rien ne bouge.",
    "Je suis très mécontente de ce qui s’est passé.",
    "Voici les faits tels qu’ils se sont déroulés.",
    "Mon voisin a eu le même souci.",
    "C’est la deuxième fois que cela m’arrive.",
    "J’ai appelé le service client sans succès.",
]
FILLER = (
    "prix produit magasin caisse voiture garage réparation retard annulation billet voyage hôtel "
    "restaurant repas banque crédit assurance loyer chauffage téléphone internet ordinateur machine "
    "laver réfrigérateur canapé meuble cuisine chaussures vêtements lunettes pharmacie médicament "
    "boulangerie viande poisson fromage légumes fruits boisson vin bière parking essence carburant "
    "électricité compteur plombier serrurier déménagement location appartement maison jardin piscine "
    "vélo moto pneus batterie écran tablette console jouet poussette matelas peinture carrelage "
    "fenêtre porte chaudière climatisation vidange assurance mutuelle forfait opérateur box fibre "
    "coiffeur esthétique salle sport club cinéma concert spectacle musée transport train avion taxi"
).split()
CLOSINGS = ["Merci de votre aide.", "Cordialement.", "Je reste à votre disposition.", ""]
SYLLABLES = "ba be bi bo bu da de di do du fa fe fi fo ga go la le li lo lu ma me mi mo na ne no pa pe po ra re ri ro sa se so ta te ti to va ve vo za".split()
FIRST_NAMES = (
    "Marie Jean Pierre Michel André Philippe Nathalie Isabelle Sylvie Catherine Françoise Nicolas "
    "Julien Camille Léa Manon Hugo Lucas Emma Chloé Thomas Sarah Inès Karim Mohamed Fatima Paule"
).split()
LAST_NAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre "
    "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont Lambert"
).split()
ANSWER_MESSAGES = {
    ResponseKind.ACCEPTED: [
        "Nous vous prions de nous excuser, un remboursement vous a été adressé.",
        "Nous avons corrigé l’étiquette en rayon et rappelé les règles à nos équipes.",
        "Un geste commercial vous sera proposé par notre service client.",
    ],
    ResponseKind.REJECTED: [
        "Après vérification, la pratique signalée respecte la réglementation.",
        "Les faits décrits ne correspondent pas à nos relevés de caisse.",
    ],
    ResponseKind.NOT_CONCERNED: [
        "Ce signalement concerne un autre de nos établissements.",
        "Nous n’exerçons plus cette activité à cette adresse.",
    ],
}
REVIEW_COMMENTS = ["Réponse rapide, merci.", "Rien n’a changé.", "Je n’ai toujours rien reçu.", ""]
FILES = [
    ("photo.jpg", "jpg", "image/jpeg"),
    ("ticket de caisse.jpg", "jpg", "image/jpeg"),
    ("facture.pdf", "pdf", "application/pdf"),
    ("capture.png", "png", "image/png"),
]
COUNTRIES = ["Royaume-Uni", "Allemagne", "Chine", "Espagne", "États-Unis"]


def luhn_complete(partial: str) -> str:
    """`partial` and the one digit that makes it pass the Luhn check."""
    return next(partial + digit for digit in "0123456789" if luhn_is_valid(partial + digit))


def reference_of(number: int, year: int) -> str:
    """A reference in the wizard's format (for example SC-26-4F7K2Q), unique per number:
    the number scrambled by a multiplication modulo 32^6."""
    size = len(REFERENCE_ALPHABET)
    value = (number * 387_420_489) % size**6
    code = ""
    for _ in range(6):
        value, digit = divmod(value, size)
        code += REFERENCE_ALPHABET[digit]
    return f"SC-{year % 100:02d}-{code}"


def zipf_cumulative(count: int, exponent: float) -> list[float]:
    return list(accumulate(1 / (rank**exponent) for rank in range(1, count + 1)))


class Picker:
    """Draws from a list with Zipf weights: a few items very often, a long tail."""

    def __init__(self, items: list, rng: random.Random, exponent: float = 1.0):
        self.items = list(items)
        rng.shuffle(self.items)
        self.cumulative = zipf_cumulative(len(self.items), exponent)
        self.rng = rng

    def __call__(self):
        point = self.rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_left(self.cumulative, point)]


@contextmanager
def _dates_as_given():
    """bulk_create keeps the generated created_at instead of now (auto_now_add
    set aside for the duration only)."""
    fields = [model._meta.get_field("created_at") for model in (Report, Response, Review, Attachment)]
    try:
        for field in fields:
            field.auto_now_add = False
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


class Command(BaseCommand):
    help = "Fills the database with realistic companies and reports, for the benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=10_000)
        parser.add_argument("--companies", type=int, default=0, help="Top the establishments up to this many.")
        parser.add_argument("--replace", action="store_true", help="Delete every report first.")
        parser.add_argument("--seed", type=int, default=18)

    def handle(self, *args, **options):
        # Made-up data, drawn again the same from the seed: no secret here.
        self.rng = random.Random(options["seed"])  # noqa: S311
        self.now = timezone.now().replace(microsecond=0)
        self.postgres = connection.vendor == "postgresql"
        if options["replace"]:
            self._delete_reports()
        elif Report.objects.exists():
            raise CommandError("There are reports already: --replace deletes them first.")
        self.leaves = self._leaves()
        if not self.leaves:
            raise CommandError("No categories: run `manage.py load_categories` first.")
        self._top_up_companies(options["companies"])
        self._prepare_targets(options["reports"])
        self._write_reports(options["reports"])

    # --- What reports point at ----------------------------------------------------

    def _delete_reports(self):
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE reports_report RESTART IDENTITY CASCADE")
        else:
            Report.objects.all().delete()

    def _leaves(self) -> list[dict]:
        nodes = list(Category.objects.active().prefetch_related("tags"))
        by_pk = {node.pk: node for node in nodes}
        parents = {node.parent_id for node in nodes}
        leaves = []
        for node in nodes:
            if node.pk in parents or node.stops_the_report:
                continue
            path, current = [], node
            while current is not None:
                path.append(current)
                current = by_pk.get(current.parent_id)
            path.reverse()
            tags = {tag.pk: tag for step in path for tag in step.tags.all()}
            leaves.append(
                {
                    "pk": node.pk,
                    "path": [step.title_fr for step in path],
                    "kind": node.company_kind,
                    "question": node.allow_question_only,
                    "tags": sorted(tags),
                    "hidden": any(tag.hidden_from_company for tag in tags.values()),
                }
            )
        return leaves

    def _top_up_companies(self, wanted: int) -> None:
        existing = Company.objects.count()
        if existing < wanted:
            units, companies = [], []
            for number in range(existing, wanted):
                siren = luhn_complete(f"{70_000_000 + number:08d}")
                name = f"{self.rng.choice(FILLER).upper()} {self._word().upper()}"
                units.append(LegalUnit(siren=siren, name=name))
                department = f"{self.rng.randint(1, 95):02d}".replace("20", "21")
                postal_code = f"{department}{self.rng.randint(0, 99):02d}0"
                companies.append(
                    Company(
                        siret=luhn_complete(f"{siren}0001"),
                        siren=siren,
                        legal_name=name,
                        street=f"{self.rng.randint(1, 200)} RUE {self.rng.choice(LAST_NAMES).upper()}",
                        postal_code=postal_code,
                        city=f"COMMUNE {postal_code}",
                        department=department,
                        is_head_office=True,
                        is_open=self.rng.random() > 0.2,
                    )
                )
            LegalUnit.objects.bulk_create(units, batch_size=5_000, ignore_conflicts=True)
            Company.objects.bulk_create(companies, batch_size=5_000)
            self.stdout.write(f"{wanted - existing:,} establishments added")
        if not Company.objects.filter(siren=BIG_SIREN).exists():
            LegalUnit.objects.get_or_create(siren=BIG_SIREN, defaults={"name": BIG_NAME})
            Company.objects.bulk_create(
                Company(
                    siret=luhn_complete(f"{BIG_SIREN}{number:04d}"),
                    siren=BIG_SIREN,
                    legal_name=BIG_NAME,
                    brand="" if number == 1 else f"MAGASIN {number}",
                    street=f"{number} AVENUE DU COMMERCE",
                    postal_code=f"{35 + number % 10:02d}000",
                    city="RENNES" if number == 1 else f"VILLE {number}",
                    department=f"{35 + number % 10:02d}",
                    is_head_office=number == 1,
                )
                for number in range(1, BIG_ESTABLISHMENTS + 1)
            )

    def _prepare_targets(self, count: int) -> None:
        rng = self.rng
        # Reported companies: a sample of the register, Zipf-weighted.
        sample = min(200_000, max(100, count // 10))
        fields = ("pk", "siret", "legal_name", "brand", "address_complement", "street", "special_distribution",
                  "postal_code", "city", "department", "country")  # fmt: skip
        # A random order over a million rows takes a second or two.
        ordered = Company.objects.exclude(siren=BIG_SIREN).order_by("?")
        self.companies = Picker([self._snapshot(c) for c in ordered.values(*fields)[:sample]], rng, exponent=0.8)
        big = [self._snapshot(c) for c in Company.objects.filter(siren=BIG_SIREN).order_by("siret").values(*fields)]
        # The head office gets a fifth of them; the others share the rest.
        self.big_head, self.big_others = big[0], big[1:]
        weights = [1 / (rank**0.7) for rank in range(1, len(self.leaves) + 1)]
        rng.shuffle(self.leaves)
        self.leaf_cumulative = list(accumulate(weights))
        siret_share = sum(w for w, leaf in zip(weights, self.leaves, strict=True) if leaf["kind"] == CompanyKind.SIRET)
        siret_share /= sum(weights)
        target = max(BIG_MIN_REPORTS * 1.1, 0.01 * count) if count >= 100_000 else 0.1 * count
        self.big_share = min(0.9, target / (max(count, 1) * max(siret_share, 0.01)))
        # Companies with an account answer within 25 days, the others within 60 (after a letter).
        self.with_users = {company["pk"] for company in big}
        # Websites and phones, each reported by a cluster of reports.
        site_count = max(20, count // 400)
        hosts = [
            f"{self._word()}-{self._word()}.{rng.choice(['fr', 'com', 'shop', 'net'])}" for _ in range(site_count)
        ]
        hosts = list(dict.fromkeys(hosts))
        existing = set(Website.objects.filter(host__in=hosts).values_list("host", flat=True))
        identified_pool = self.companies.items[: max(1, len(self.companies.items) // 10)]
        new_sites = []
        for host in hosts:
            if host in existing:
                continue
            site = Website(host=host, state=WebsiteState.NOT_IDENTIFIED)
            if rng.random() < 0.3:
                site.state, site.company_id = WebsiteState.IDENTIFIED, rng.choice(identified_pool)["pk"]
            elif rng.random() < 0.1:
                site.state, site.country = WebsiteState.FOREIGN, rng.choice(COUNTRIES)
            new_sites.append(site)
        Website.objects.bulk_create(new_sites, batch_size=5_000)
        by_pk = {c["pk"]: c for c in self.companies.items}
        sites = [
            (pk, host, by_pk.get(company_id))
            for pk, host, company_id in Website.objects.filter(host__in=hosts).values_list("pk", "host", "company_id")
        ]
        self.websites = Picker(sites, rng, exponent=1.0)
        phones = {f"+33{rng.choice('1234589')}{rng.randint(0, 99_999_999):08d}" for _ in range(max(20, count // 500))}
        self.phones = Picker(sorted(phones), rng, exponent=1.0)
        self.emails = max(10, int(count * 0.7))

    @staticmethod
    def _snapshot(company: dict) -> dict:
        city_line = f"{company['postal_code']} {company['city']}".strip()
        lines = [company["address_complement"], company["street"], company["special_distribution"], city_line]
        if company["country"]:
            lines.append(company["country"])
        return {
            "pk": company["pk"],
            "company_name": company["legal_name"] or company["brand"] or company["siret"],
            "company_address": [line for line in lines if line],
            "company_siret": company["siret"],
            "company_country": company["country"],
            "postal_code": company["postal_code"],
            "department": company["department"],
        }

    def _word(self) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.choice((2, 3, 3, 4))))

    # --- The reports --------------------------------------------------------------

    def _ages(self, count: int) -> list[float]:
        """Seconds before now, oldest first: busier as years go by (a linear
        rise), with a uniform floor so the first year is not empty."""
        span = YEARS * 365 * 86400 - 86400
        rng = self.rng
        ages = []
        for _ in range(count):
            u = rng.random()
            ages.append(span * (1 - (1 - u) ** 0.5) if rng.random() < 0.7 else span * u)
        ages.sort(reverse=True)
        return [max(age, 120.0) for age in ages]

    def _description(self) -> str:
        rng = self.rng
        parts = [rng.choice(OPENINGS)]
        for word in COMMON_WORDS:
            if rng.random() < COMMON_SHARE:
                parts.append(rng.choice(COMMON_PHRASES[word]))
        parts.append(f"Il s’agit de {rng.choice(FILLER)} et de {rng.choice(FILLER)}, marque {self._word()}.")
        if rng.random() < RARE_SHARE * len(RARE_WORDS):
            parts.append(f"Cela concerne une {rng.choice(RARE_WORDS)}.")
        parts.append(rng.choice(CLOSINGS))
        return " ".join(part for part in parts if part)

    def _report(self, number: int, age: float) -> tuple[dict, dict | None, list, list, list]:
        """A report's columns, its answer, reviews, attachments and tags."""
        rng, now = self.rng, self.now
        created = now - timedelta(seconds=age)
        leaf = self.leaves[bisect.bisect_left(self.leaf_cumulative, rng.random() * self.leaf_cumulative[-1])]
        question_only = leaf["question"] and rng.random() < 0.2
        report = {
            "id": number,
            "reference": reference_of(number, created.year),
            "created_at": created,
            "language": "en" if rng.random() < 0.04 else "fr",
            "category_id": leaf["pk"],
            "category_path": leaf["path"],
            "question_only": question_only,
            "company_id": None,
            "company_name": "",
            "company_address": [],
            "company_siret": "",
            "company_country": "",
            "website_id": None,
            "phone": "",
            "postal_code": "",
            "department": "",
            "occurred_on": (created - timedelta(days=rng.randint(0, 60))).date(),
            "answers": [],
            "alert_deferred": False,
            "reattributed_from_id": None,
            "consumer_reference": f"CMD-{rng.randint(10_000, 999_999)}" if rng.random() < 0.1 else "",
            "survey_consent": rng.random() < 0.4,
        }
        company = None
        kind = leaf["kind"]
        if kind == CompanyKind.SIRET:
            roll = rng.random()
            if roll < self.big_share:
                company = self.big_head if rng.random() < 0.2 else rng.choice(self.big_others)
            elif roll < 0.8:
                company = self.companies()
            elif roll < 0.92:
                postal_code = f"{rng.randint(1, 95):02d}{rng.randint(0, 99):02d}0"
                report.update(company_name=f"{rng.choice(FILLER).capitalize()} {self._word()}",
                              postal_code=postal_code, department=postal_code[:2])  # fmt: skip
            else:
                report.update(company_name=f"{self._word().capitalize()} Ltd", company_country=rng.choice(COUNTRIES))
        elif kind == CompanyKind.WEBSITE:
            website_id, host, company = self.websites()
            report.update(website_id=website_id, company_name=host)
        elif kind == CompanyKind.PHONE:
            report["phone"] = self.phones()
        elif kind == CompanyKind.PLACE:
            postal_code = f"{rng.randint(1, 95):02d}{rng.randint(0, 99):02d}0"
            report.update(company_name="Marché", postal_code=postal_code, department=postal_code[:2])
        if company is not None:
            report.update({key: value for key, value in company.items() if key != "pk"}, company_id=company["pk"])
        goes = company is not None and not company["company_country"] and not question_only and not leaf["hidden"]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        report.update(
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}.{rng.randrange(self.emails)}@example.fr",
            consumer_phone=f"06{rng.randint(0, 99_999_999):08d}" if rng.random() < 0.3 else "",
            # 70 % of the consumers keep their identity from the company.
            share_identity=goes and rng.random() < 0.43,
            description=self._description(),
        )
        response, reviews, files = self._life(report, goes, company, created)
        if rng.random() < 0.15:
            for _ in range(rng.choice((1, 1, 2, 3))):
                name, extension, content_type = rng.choice(FILES)
                uid = uuid.UUID(int=rng.getrandbits(128), version=4)
                files.append(
                    {
                        "uid": uid,
                        "report_id": number,
                        "origin": "consumer",
                        "uploaded_by_id": None,
                        "comment_id": None,
                        "file": f"attachments/{created:%Y/%m}/{uid}.{extension}",
                        "name": name,
                        "extension": extension,
                        "content_type": content_type,
                        "size": rng.randint(20_000, 4_000_000),
                        "scan_state": ScanState.CLEAN,
                        "scanned_at": created,
                        "signature": "",
                        "created_at": created,
                    }
                )
        if report["status"] == S.ANONYMISED:
            report.update(first_name="", last_name="", email="", consumer_phone="", consumer_reference="",
                          description="", answers=[], share_identity=False)  # fmt: skip
            files = []
            if response:
                response.update(message="", private_note="")
            for review in reviews:
                review["comment"] = ""
        return report, response, reviews, files, leaf["tags"]

    def _life(self, report: dict, goes: bool, company, created) -> tuple[dict | None, list, list]:
        """Status, dates, answer and reviews by age, as the lifecycle's transitions leave them."""
        rng, now = self.rng, self.now
        report.update(status=S.NOT_SENT, expires_at=None, read_at=None, closed_at=None,
                      reminded_at=None, reminder_count=0)  # fmt: skip
        if not goes:
            if rng.random() < 0.003:
                report["status"] = S.ANONYMISED
            return None, [], []
        delay = (
            EXPIRY_WHEN_COMPANY_HAS_USERS
            if company["pk"] in self.with_users or company["pk"] % 10 < 4
            else EXPIRY_WHEN_COMPANY_HAS_NO_USERS
        )
        expires = created + delay
        report.update(status=S.SENT, expires_at=expires)
        # What the company does: reads it (and when), answers it (and how).
        reads = rng.random() < 0.75
        answers = reads and rng.random() < 0.7
        read_at = created + delay * rng.random() ** 2
        answer_at = read_at + (expires - read_at) * rng.random() ** 2
        response, reviews = None, []
        if reads and read_at < now:
            report.update(status=S.READ, read_at=read_at)
            if answers and answer_at < now:
                kind = rng.choices(list(ResponseKind), weights=(60, 25, 15))[0]
                report["status"] = {
                    ResponseKind.ACCEPTED: S.PROMISED,
                    ResponseKind.REJECTED: S.REJECTED,
                    ResponseKind.NOT_CONCERNED: S.NOT_CONCERNED,
                }[kind]
                due = answer_at + timedelta(days=ENGAGEMENT_DELAY_DAYS) if kind == ResponseKind.ACCEPTED else None
                requested = due if due and due < now else None
                response = {
                    "report_id": report["id"],
                    "kind": kind,
                    "reason": rng.choice(RESPONSE_REASONS[kind])[0],
                    "message": rng.choice(ANSWER_MESSAGES[kind]),
                    "private_note": "",
                    "user_id": None,
                    "created_at": answer_at,
                    "engagement_due_at": due,
                    "engagement_honoured_at": requested - timedelta(days=2)
                    if requested and rng.random() < 0.5
                    else None,
                    "engagement_review_requested_at": requested,
                }
                review_at = answer_at + timedelta(days=rng.randint(1, 10))
                if review_at < now and rng.random() < 0.45:
                    reviews.append(self._review(report["id"], ReviewAbout.ANSWER, review_at))
                if requested and requested + timedelta(days=3) < now and rng.random() < 0.3:
                    reviews.append(self._review(report["id"], ReviewAbout.ENGAGEMENT, requested + timedelta(days=3)))
        if expires < now and report["status"] in (S.SENT, S.READ):
            report.update(
                status=S.CLOSED_UNREAD if report["status"] == S.SENT else S.CLOSED_UNANSWERED,
                closed_at=expires,
                reminder_count=2,
                reminded_at=expires - timedelta(days=7),
            )
        elif report["status"] in (S.SENT, S.READ) and now - created > timedelta(days=8):
            report.update(reminder_count=1, reminded_at=created + timedelta(days=8))
        if rng.random() < 0.003 and now - created > timedelta(days=365):
            report["status"] = S.ANONYMISED
        return response, reviews, []

    def _review(self, report_id: int, about: str, at) -> dict:
        rating = self.rng.choices(["positive", "neutral", "negative"], weights=(40, 20, 40))[0]
        return {"report_id": report_id, "about": about, "rating": rating,
                "comment": self.rng.choice(REVIEW_COMMENTS), "created_at": at}  # fmt: skip

    def _write_reports(self, count: int) -> None:
        ages = self._ages(count)
        start = 1
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT coalesce(max(id), 0) FROM reports_report")
                start = cursor.fetchone()[0] + 1
        totals = {"reports": 0, "responses": 0, "reviews": 0, "attachments": 0, "tags": 0}
        for offset in range(0, count, CHUNK):
            batch = [self._report(start + offset + i, age) for i, age in enumerate(ages[offset : offset + CHUNK])]
            reports = [item[0] for item in batch]
            responses = [item[1] for item in batch if item[1]]
            reviews = [review for item in batch for review in item[2]]
            files = [file for item in batch for file in item[3]]
            tags = [(item[0]["id"], tag) for item in batch for tag in item[4]]
            with transaction.atomic():
                if self.postgres:
                    self._copy(reports, responses, reviews, files, tags)
                else:
                    self._bulk(reports, responses, reviews, files, tags)
            for key, rows in zip(totals, (reports, responses, reviews, files, tags), strict=True):
                totals[key] += len(rows)
            self.stdout.write(f"{totals['reports']:,} reports", ending="\r")
            self.stdout.flush()
        if self.postgres:
            with connection.cursor() as cursor:
                for table in ("reports_report", "reports_response", "reports_review", "reports_attachment",
                              "reports_report_tags"):  # fmt: skip
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
                    cursor.execute(f"ANALYZE {table}")
        self.stdout.write(", ".join(f"{value:,} {key}" for key, value in totals.items()))

    REPORT_COLUMNS = [f.attname for f in Report._meta.concrete_fields if f.attname != "search_vector"]
    JSON_COLUMNS = {"category_path", "company_address", "answers"}

    def _copy(self, reports, responses, reviews, files, tags) -> None:
        columns = self.REPORT_COLUMNS
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS generated_report "
                "(LIKE reports_report INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            )
            raw = cursor.cursor
            with raw.copy(f"COPY generated_report ({', '.join(columns)}) FROM STDIN") as copy:
                for report in reports:
                    copy.write_row([json.dumps(report[c]) if c in self.JSON_COLUMNS else report[c] for c in columns])
            self._copy_rows(raw, "reports_response", responses)
            # The vector exactly as reports.search.VECTOR_SQL writes it.
            names = ", ".join(columns)
            cursor.execute(
                f"INSERT INTO reports_report ({names}, search_vector) "  # noqa: S608
                f"SELECT {names}, "
                f"setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(r.company_name, '')), 'A') "
                f"|| to_tsvector('{SEARCH_CONFIG}', coalesce(r.description, '')) "
                f"|| to_tsvector('{SEARCH_CONFIG}', coalesce("
                "(SELECT message FROM reports_response WHERE report_id = r.id), '')) "
                "FROM generated_report r"
            )
            self._copy_rows(raw, "reports_review", reviews)
            self._copy_rows(raw, "reports_attachment", files)
            self._copy_rows(raw, "reports_report_tags", [{"report_id": r, "tag_id": t} for r, t in tags])

    @staticmethod
    def _copy_rows(raw, table: str, rows: list[dict]) -> None:
        if not rows:
            return
        columns = list(rows[0])
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])

    def _bulk(self, reports, responses, reviews, files, tags) -> None:
        with _dates_as_given():
            self._bulk_create(reports, responses, reviews, files, tags)

    @staticmethod
    def _bulk_create(reports, responses, reviews, files, tags) -> None:
        Report.objects.bulk_create([Report(**row) for row in reports], batch_size=500)
        Response.objects.bulk_create([Response(**row) for row in responses], batch_size=500)
        Review.objects.bulk_create([Review(**row) for row in reviews], batch_size=500)
        Attachment.objects.bulk_create([Attachment(**row) for row in files], batch_size=500)
        through = Report.tags.through
        through.objects.bulk_create([through(report_id=r, tag_id=t) for r, t in tags], batch_size=500)
