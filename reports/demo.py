"""Demo reports for `make run`: two years of reports about the sample
register, with their reading, answers and ratings, so that every page has
something to show. Never in a real deployment (DEMO_DATA_ALLOWED)."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from companies.models import Company
from reports.models import Category, Report, ReportStatus, Response, ResponseKind, Review, ReviewAbout
from reports.search import report_index

DESCRIPTIONS = [
    "Le prix affiché en rayon n’était pas celui payé en caisse.",
    "Le produit est arrivé cassé et le vendeur refuse de le reprendre.",
    "On m’a facturé une option que je n’avais pas demandée.",
    "La garantie m’a été refusée alors que l’appareil a six mois.",
    "Le colis n’est jamais arrivé mais la commande est notée livrée.",
    "Un démarcheur a insisté pour que je signe tout de suite.",
]
FIRST_NAMES = ["Camille", "Lucas", "Inès", "Hugo", "Léa", "Nadia", "Paul", "Chloé"]


@transaction.atomic
def demo_reports(count: int = 300, seed: int = 7) -> int:
    """Creates `count` reports if there are none yet; returns how many."""
    if Report.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    companies = list(Company.objects.filter(is_open=True)[:40])
    leaves = list(Category.objects.active().filter(children=None)[:40])
    if not companies or not leaves:
        return 0
    now = timezone.now()
    created = []
    for n in range(count):
        company = rng.choice(companies)
        category = rng.choice(leaves)
        filed = now - timedelta(days=rng.uniform(0, 730))
        report = Report.objects.create(
            reference=f"SC-DEMO-{n:04d}",
            language="fr",
            status=ReportStatus.SENT,
            expires_at=filed + timedelta(days=25),
            category=category,
            category_path=[node.title for node in category.path()],
            company=company,
            **company.report_snapshot(),
            occurred_on=(filed - timedelta(days=2)).date(),
            description=rng.choice(DESCRIPTIONS),
            first_name=rng.choice(FIRST_NAMES),
            last_name="Exemple",
            email=f"consommateur{n}@example.fr",
            share_identity=rng.random() < 0.5,
        )
        fields = {"created_at": filed}
        old = filed < now - timedelta(days=25)
        if rng.random() < 0.75:
            fields["read_at"] = filed + timedelta(days=rng.uniform(0.2, 12))
            if rng.random() < 0.7:
                kind = rng.choice([ResponseKind.ACCEPTED] * 3 + [ResponseKind.REJECTED, ResponseKind.NOT_CONCERNED])
                response = Response.objects.create(
                    report=report,
                    kind=kind,
                    reason="autre",
                    message="Merci pour votre signalement.",
                )
                answered = fields["read_at"] + timedelta(days=rng.uniform(0.1, 8))
                Response.objects.filter(pk=response.pk).update(created_at=answered)
                fields["status"] = {
                    ResponseKind.ACCEPTED: ReportStatus.PROMISED,
                    ResponseKind.REJECTED: ReportStatus.REJECTED,
                    ResponseKind.NOT_CONCERNED: ReportStatus.NOT_CONCERNED,
                }[kind]
                if rng.random() < 0.6:
                    Review.objects.create(
                        report=report,
                        about=ReviewAbout.ANSWER,
                        rating=rng.choice(["positive", "positive", "neutral", "negative"]),
                    )
            else:
                fields["status"] = ReportStatus.CLOSED_UNANSWERED if old else ReportStatus.READ
        elif old:
            fields["status"] = ReportStatus.CLOSED_UNREAD
        # Demo data only: set as if the reports had lived their lives.
        Report.objects.filter(pk=report.pk).update(**fields)
        created.append(report.pk)
    report_index(created)
    return len(created)
