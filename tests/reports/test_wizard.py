"""The report wizard through the test client, step by step."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from companies.models import Website
from reports.models import BlockedEmail, Report, ReportStatus

from ..companies.factories import CompanyFactory, WebsiteFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories", "verified_addresses")]

YESTERDAY = (timezone.localdate() - timedelta(days=1)).isoformat()


def choose(client, slug, purpose=None):
    data = {"purpose": purpose} if purpose else {}
    return client.post(reverse("reports:problem_node", args=[slug]), data)


def fill_details(client, **extra):
    data = {
        "occurred_on": YESTERDAY,
        "description": "Le prix affiché était 3 €, on m’a fait payer 5 €.",
    }
    data.update(extra)
    return client.post(reverse("reports:details"), data)


def fill_consumer(client, **extra):
    data = {"first_name": "Paule", "last_name": "Durand", "email": "Paule@Example.fr"}
    data.update(extra)
    return client.post(reverse("reports:consumer"), data)


def test_the_problem_step_walks_down_the_tree(client):
    response = client.get(reverse("reports:problem"))
    assertContains(response, "Un achat en magasin")
    assertContains(response, "Étape 1 sur 5")
    response = client.get(reverse("reports:problem_node", args=["achat-magasin"]))
    assertContains(response, "Le prix n’est pas affiché ou il est différent en caisse")
    assertContains(response, 'href="/signaler/"')


def test_an_information_page_stops_the_report_and_says_where_to_go(client):
    response = client.get(reverse("reports:problem_node", args=["achat-magasin-vol"]))
    assertContains(response, "Adressez-vous à la police ou à la gendarmerie")
    assertContains(response, "https://www.masecurite.interieur.gouv.fr")
    assertContains(response, "votre signalement s’arrête ici")
    # It cannot be chosen.
    response = choose(client, "achat-magasin-vol")
    assert "report_draft" not in client.session


def test_an_unknown_or_inactive_problem_is_a_404(client):
    assert client.get(reverse("reports:problem_node", args=["nulle-part"])).status_code == 404


def test_a_full_report_about_a_french_company(client, django_capture_on_commit_callbacks):
    company = CompanyFactory(legal_name="SUPER PRIX", postal_code="13008", department="13")
    assertRedirects(choose(client, "achat-magasin-prix"), reverse("reports:company"))

    response = client.get(reverse("reports:company"), {"q": "super prix", "code_postal": "13008"})
    assertContains(response, "1 établissement trouvé")
    assertContains(response, company.siret)
    response = client.post(reverse("reports:company"), {"mode": "choose", "siret-siret": company.siret})
    assertRedirects(response, reverse("reports:details"))

    assertRedirects(fill_details(client), reverse("reports:consumer"))
    response = client.get(reverse("reports:consumer"))
    assertContains(response, "L’entreprise peut-elle connaître votre identité ?")
    assertRedirects(fill_consumer(client, share_identity="no"), reverse("reports:confirmation"))

    response = client.get(reverse("reports:confirmation"))
    assertContains(response, "SUPER PRIX")
    assertContains(response, "L’entreprise ne saura pas qui vous êtes.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:confirmation"))
    assertRedirects(response, reverse("reports:done"))

    report = Report.objects.get()
    assert report.status == ReportStatus.SENT
    assert report.company == company and report.company_siret == company.siret
    assert report.company_name == "SUPER PRIX" and report.department == "13"
    assert report.category_path == [
        "Un achat en magasin",
        "Le prix n’est pas affiché ou il est différent en caisse",
    ]
    assert report.email == "paule@example.fr" and not report.share_identity
    # A company without users has 60 days.
    assert report.expires_at.date() == (report.created_at + timedelta(days=60)).date()
    # Filed, then its acknowledgement sent: both in the report's history.
    assert list(report.events.order_by("pk").values_list("action", flat=True)) == [
        "report_submitted",
        "email_sent",
    ]

    response = client.get(reverse("reports:done"))
    assertContains(response, report.reference)
    assert "report_draft" not in client.session

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["paule@example.fr"]
    assert report.reference in mail.outbox[0].subject
    assert "L’entreprise est prévenue" in mail.outbox[0].body


def test_a_report_by_siret_with_tags_of_the_path(client):
    company = CompanyFactory()
    choose(client, "achat-magasin-dangereux")
    spaced = f"{company.siret[:3]} {company.siret[3:6]} {company.siret[6:9]} {company.siret[9:]}"
    response = client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": spaced})
    assertRedirects(response, reverse("reports:details"))
    fill_details(client, q_blessure="non")
    fill_consumer(client, share_identity="yes")
    client.post(reverse("reports:confirmation"))
    report = Report.objects.get()
    assert list(report.tags.values_list("slug", flat=True)) == ["produit-dangereux"]
    assert report.share_identity
    assert report.answers == [{"slug": "blessure", "question": "Quelqu’un a-t-il été blessé ?", "answer": "Non"}]


@pytest.mark.parametrize(
    ("siret_of", "message"),
    [
        ("unknown", "Aucun établissement ne porte le numéro SIRET"),
        ("town", "est une administration publique"),
        ("closed", "est fermé"),
        ("typo", "un chiffre est sans doute mal recopié"),
    ],
)
def test_refused_companies_say_why_at_the_field(client, siret_of, message):
    sirets = {
        "unknown": "73282932000074",
        "town": CompanyFactory(public_administration=True).siret,
        "closed": CompanyFactory(closed=True).siret,
        "typo": "73282932000075",
    }
    choose(client, "achat-magasin-prix")
    response = client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": sirets[siret_of]})
    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    assertContains(response, 'aria-describedby="id_siret-siret_helptext id_siret-siret-error"', status_code=400)
    assertContains(response, f'value="{sirets[siret_of]}"', status_code=400)
    assert "company" not in client.session["report_draft"]


def test_a_report_about_a_website_records_an_unknown_host(client):
    choose(client, "achat-internet-non-livre")
    response = client.post(
        reverse("reports:company"),
        {"mode": "website", "website-address": "https://www.Boutique-Inconnue.fr/x"},
    )
    assertRedirects(response, reverse("reports:details"))
    fill_details(client, **{"q_date-commande": YESTERDAY})
    fill_consumer(client)
    client.post(reverse("reports:confirmation"))
    report = Report.objects.get()
    assert report.website.host == "boutique-inconnue.fr"
    assert report.status == ReportStatus.NOT_SENT  # no identified French company
    assert Website.objects.filter(host="boutique-inconnue.fr").exists()


def test_a_known_website_gives_its_company(client):
    website = WebsiteFactory(identified=True, host="super-prix.fr")
    choose(client, "achat-internet-non-livre")
    client.post(reverse("reports:company"), {"mode": "website", "website-address": "super-prix.fr"})
    fill_details(client, **{"q_date-commande": YESTERDAY})
    response = client.get(reverse("reports:consumer"))
    assertContains(response, "L’entreprise peut-elle connaître votre identité ?")
    fill_consumer(client, share_identity="yes")
    client.post(reverse("reports:confirmation"))
    report = Report.objects.get()
    assert report.company == website.company
    assert report.status == ReportStatus.SENT


def test_a_government_website_is_refused(client):
    choose(client, "achat-internet-non-livre")
    response = client.post(reverse("reports:company"), {"mode": "website", "website-address": "impots.gouv.fr"})
    assertContains(response, "site de l’administration", status_code=400)


def test_a_phone_report(client):
    choose(client, "demarchage-telephone-bloctel")
    response = client.post(reverse("reports:company"), {"mode": "phone", "phone-phone": "01 23 45 67 89"})
    assertRedirects(response, reverse("reports:details"))
    fill_details(client, **{"q_date-appel": YESTERDAY})
    fill_consumer(client)
    client.post(reverse("reports:confirmation"))
    report = Report.objects.get()
    assert report.phone == "+33123456789"
    assert report.status == ReportStatus.NOT_SENT
    assert "demarchage-telephonique" in report.tags.values_list("slug", flat=True)


def test_a_foreign_company_and_an_unknown_company(client):
    choose(client, "achat-magasin-prix")
    client.post(
        reverse("reports:company"),
        {"mode": "foreign", "foreign-name": "Shop GmbH", "foreign-country": "Allemagne"},
    )
    fill_details(client)
    response = client.get(reverse("reports:consumer"))
    assert "share_identity" not in response.content.decode()
    fill_consumer(client)
    client.post(reverse("reports:confirmation"))
    report = Report.objects.get()
    assert (report.company_name, report.company_country, report.status) == (
        "Shop GmbH",
        "Allemagne",
        "NA",
    )

    choose(client, "achat-magasin-etiquetage")
    client.post(reverse("reports:company"), {"mode": "unknown", "unknown-postal_code": "20000"})
    fill_details(client)
    fill_consumer(client, email="autre@example.fr")
    client.post(reverse("reports:confirmation"))
    unknown = Report.objects.latest("id")
    assert (unknown.postal_code, unknown.department, unknown.status) == ("20000", "2A", "NA")


def test_asking_a_question_only_never_goes_to_the_company(client):
    company = CompanyFactory()
    response = choose(client, "achat-magasin-defectueux")
    assert response.status_code == 400  # the purpose must be chosen
    assertContains(response, "Ce champ est obligatoire", status_code=400)
    choose(client, "achat-magasin-defectueux", purpose="question")
    client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": company.siret})
    fill_details(client, **{"q_date-achat": YESTERDAY})
    response = client.get(reverse("reports:consumer"))
    assert "share_identity" not in response.content.decode()
    fill_consumer(client)
    client.post(reverse("reports:confirmation"))
    report = Report.objects.get()
    assert report.question_only and report.status == ReportStatus.NOT_SENT and report.expires_at is None


def test_details_errors_are_in_french_at_their_field_and_keep_what_was_typed(client):
    choose(client, "achat-magasin-prix")
    client.post(reverse("reports:company"), {"mode": "unknown", "unknown-postal_code": "75011"})
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = fill_details(client, occurred_on=tomorrow, description="x" * 5001)
    assert response.status_code == 400
    html = response.content.decode()
    assert "La date ne peut pas être dans le futur." in html
    assert "au plus 5000 caractères" in html
    assert 'aria-describedby="id_occurred_on_helptext id_occurred_on-error"' in html
    assert f'value="{tomorrow}"' in html


def test_skipping_a_step_by_url_sends_back_to_the_missing_step(client):
    assertRedirects(client.get(reverse("reports:confirmation")), reverse("reports:problem"))
    choose(client, "achat-magasin-prix")
    assertRedirects(client.get(reverse("reports:details")), reverse("reports:company"))
    assertRedirects(client.post(reverse("reports:confirmation")), reverse("reports:company"))
    assert not Report.objects.exists()


def test_going_back_keeps_the_answers_and_changing_the_problem_keeps_what_still_applies(client):
    choose(client, "achat-magasin-prix")
    client.post(reverse("reports:company"), {"mode": "unknown", "unknown-postal_code": "75011"})
    fill_details(client)
    response = client.get(reverse("reports:details"))
    assertContains(response, "on m’a fait payer 5 €")
    assertContains(response, f'value="{YESTERDAY}"')
    # Another problem of the same kind keeps the company, the date and the description.
    choose(client, "achat-magasin-promotion")
    draft = client.session["report_draft"]
    assert draft["company"]["postal_code"] == "75011"
    assert draft["details"]["description"].startswith("Le prix affiché")
    # A problem needing another kind of company drops the company.
    choose(client, "achat-internet-retard")
    assert "company" not in client.session["report_draft"]


def test_a_tampered_draft_never_makes_an_inconsistent_report(client):
    choose(client, "achat-magasin-prix")
    client.post(reverse("reports:company"), {"mode": "unknown", "unknown-postal_code": "75011"})
    fill_details(client)
    fill_consumer(client)
    session = client.session
    session["report_draft"]["company"] = {"mode": "siret", "siret": "73282932000074"}
    session["report_draft"]["details"]["description"] = ""
    session.save()
    response = client.post(reverse("reports:confirmation"))
    assertRedirects(response, reverse("reports:company"), fetch_redirect_response=False)
    assert not Report.objects.exists()


def file_report(client, email="paule@example.fr", slug="achat-magasin-prix", siret=None):
    choose(client, slug)
    client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": siret})
    fill_details(client)
    fill_consumer(client, email=email, share_identity="no")
    return client.post(reverse("reports:confirmation"))


def test_the_same_report_twice_in_a_day_is_refused(client):
    company = CompanyFactory()
    file_report(client, siret=company.siret)
    response = file_report(client, siret=company.siret)
    assertRedirects(response, reverse("reports:confirmation"), fetch_redirect_response=False)
    response = client.get(reverse("reports:confirmation"))
    assertContains(response, "Vous avez déjà signalé ce problème aujourd’hui")
    assert Report.objects.count() == 1


def test_more_than_two_reports_a_day_to_one_company_are_refused(client):
    company = CompanyFactory()
    file_report(client, siret=company.siret, slug="achat-magasin-prix")
    file_report(client, siret=company.siret, slug="achat-magasin-promotion")
    file_report(client, siret=company.siret, slug="achat-magasin-paiement")
    assert Report.objects.count() == 2
    response = client.get(reverse("reports:confirmation"))
    assertContains(response, "2 signalements sur cette entreprise aujourd’hui")


def test_more_than_three_reports_a_week_to_one_company_are_refused(client):
    company = CompanyFactory()
    for slug in ("achat-magasin-prix", "achat-magasin-promotion", "achat-magasin-paiement"):
        file_report(client, siret=company.siret, slug=slug)
        Report.objects.update(created_at=timezone.now() - timedelta(days=2))
    file_report(client, siret=company.siret, slug="achat-magasin-etiquetage")
    assert Report.objects.count() == 3
    assertContains(client.get(reverse("reports:confirmation")), "cette semaine")


def test_a_blocked_address_sees_success_and_nothing_is_stored(client, django_capture_on_commit_callbacks):
    BlockedEmail.objects.create(email="spam@example.fr")
    company = CompanyFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = file_report(client, email="SPAM@example.fr", siret=company.siret)
    assertRedirects(response, reverse("reports:done"))
    assertContains(client.get(reverse("reports:done")), "Sa référence est")
    assert not Report.objects.exists()
    assert mail.outbox == []


def test_views_refuse_other_methods(client):
    assert client.put(reverse("reports:problem")).status_code == 405
    assert client.post(reverse("reports:done")).status_code == 405


def test_english_wizard(client):
    response = client.get("/en/signaler/probleme/achat-magasin/")
    assertContains(response, "The price is not displayed or differs at the till")


def test_admin_pages_for_reports_and_blocked_addresses(client, admin_user):
    company = CompanyFactory()
    file_report(client, siret=company.siret)
    report = Report.objects.get()
    client.force_login(admin_user)
    assertContains(client.get(reverse("admin:reports_report_changelist")), report.reference)
    response = client.get(reverse("admin:reports_report_change", args=[report.pk]))
    assertContains(response, "report_submitted")
    response = client.post(reverse("admin:reports_blockedemail_add"), {"email": "Abus@Example.fr", "reason": "spam"})
    assert response.status_code == 302
    assert BlockedEmail.objects.get().email == "abus@example.fr"


def test_a_report_about_a_place(client):
    choose(client, "voyage-taxi")
    response = client.post(
        reverse("reports:company"),
        {"mode": "place", "place-postal_code": "97400", "place-name": "Taxi Bleu"},
    )
    assertRedirects(response, reverse("reports:details"))
    fill_details(client)
    fill_consumer(client)
    client.post(reverse("reports:confirmation"))
    report = Report.objects.get()
    assert (report.postal_code, report.department, report.company_name) == (
        "97400",
        "974",
        "Taxi Bleu",
    )
    assert report.status == ReportStatus.NOT_SENT


def test_a_tag_hidden_from_companies_keeps_the_report_from_the_company(client):
    from reports.models import Category, Tag

    company = CompanyFactory()
    Category.objects.get(slug="achat-magasin-prix").tags.add(Tag.objects.get(hidden_from_company=True))
    choose(client, "achat-magasin-prix")
    client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": company.siret})
    fill_details(client)
    assert "share_identity" not in client.get(reverse("reports:consumer")).content.decode()
    fill_consumer(client)
    client.post(reverse("reports:confirmation"))
    report = Report.objects.get()
    assert report.company == company and report.status == ReportStatus.NOT_SENT


def test_sending_twice_makes_one_report(client):
    company = CompanyFactory()
    file_report(client, siret=company.siret)
    response = client.post(reverse("reports:confirmation"))
    assertRedirects(response, reverse("reports:problem"), fetch_redirect_response=False)
    assert Report.objects.count() == 1


def test_a_problem_without_a_company_skips_the_company_step(client):
    from reports.models import Category, CompanyKind

    Category.objects.create(slug="crise-sanitaire", title_fr="Une crise sanitaire", company_kind=CompanyKind.NONE)
    assertRedirects(choose(client, "crise-sanitaire"), reverse("reports:details"))
    assertContains(client.get(reverse("reports:details")), "Étape 2 sur 4")
    assertRedirects(client.get(reverse("reports:company")), reverse("reports:details"))
    fill_details(client)
    fill_consumer(client)
    client.post(reverse("reports:confirmation"))
    report = Report.objects.get()
    assert report.company is None and report.status == ReportStatus.NOT_SENT


def test_a_closed_establishment_offers_its_open_head_office(client):
    from ..companies.factories import siret_for

    head = CompanyFactory(legal_name="AU BON PAIN", street="12 RUE DE LA ROQUETTE")
    branch = CompanyFactory(siren=head.siren, siret=siret_for(head.siren, 2), is_head_office=False, closed=True)
    choose(client, "achat-magasin-prix")
    response = client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": branch.siret})
    assertContains(response, "Choisir le siège social", status_code=400)
    assertContains(response, f'name="siret-siret" value="{head.siret}"', status_code=400)
    response = client.post(reverse("reports:company"), {"mode": "siret", "siret-siret": head.siret})
    assertRedirects(response, reverse("reports:details"))
    assert client.session["report_draft"]["company"]["siret"] == head.siret
