"""The agents' space: second factor, throttled login, idle sessions,
invitations; the search; the report page and its actions; subscriptions.
Every view against anonymous, a professional, a food-safety agent, a
read-only administrator, an agent and an administrator."""

import importlib
import re
from datetime import date, timedelta

import pyotp
import pytest
import time_machine
from django.contrib.postgres.search import SearchQuery
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import TOTPDevice, User
from inspections.models import Inspection
from notifications.models import DepartmentOffice, OutgoingEmail, Subscription
from reports import lifecycle
from reports.agents import subscriptions
from reports.models import (
    Attachment,
    Authority,
    Bookmark,
    Comment,
    Report,
    ReportStatus,
    SavedSearch,
    Tag,
)
from reports.search import SEARCH_CONFIG

from ..accounts.factories import UserFactory
from ..companies.factories import CompanyFactory
from . import files
from .factories import ReportFactory, company_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]


# --- Login -------------------------------------------------------------------------------


def login(client, user, password):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": password})


def prove_mailbox(client, capture):
    """The first setup of an authenticator: the link sent to the agent's mailbox."""
    with capture(execute=True):
        page = client.get(reverse("accounts:otp_setup"))
    assertContains(page, "Vérifiez votre messagerie")
    link = re.search(r"https?://[^/\s]+(/compte/connexion/application/[^\s]+/)", mail.outbox[-1].body).group(1)
    assertRedirects(client.get(link), reverse("accounts:otp_setup"), fetch_redirect_response=False)


def test_an_agents_first_login_sets_up_the_authenticator_then_needs_a_code(
    client, agent_user, password, django_capture_on_commit_callbacks
):
    response = login(client, agent_user, password)
    assertRedirects(response, reverse("accounts:otp_setup"), fetch_redirect_response=False)
    # Not logged in yet.
    assert client.get(reverse("agents:home")).status_code == 302
    prove_mailbox(client, django_capture_on_commit_callbacks)
    page = client.get(reverse("accounts:otp_setup"))
    assertContains(page, "<svg")
    secret = TOTPDevice.objects.get(user=agent_user).secret
    assertContains(page, secret)
    bad = client.post(reverse("accounts:otp_setup"), {"code": "000000"})
    assertContains(bad, "Ce code n’est pas le bon", status_code=400)
    done = client.post(reverse("accounts:otp_setup"), {"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</code>", done.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("agents:home")).status_code == 200

    client.post(reverse("accounts:logout"))
    assertRedirects(login(client, agent_user, password), reverse("accounts:otp"))
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        code = pyotp.TOTP(secret).now()
        response = client.post(reverse("accounts:otp"), {"code": code})
        assertRedirects(response, reverse("agents:home"))
        client.post(reverse("accounts:logout"))
        # The same code never works twice, and the message says to wait for the next.
        login(client, agent_user, password)
        assertContains(
            client.post(reverse("accounts:otp"), {"code": code}), "Ce code vient de servir", status_code=400
        )
    # A recovery code works once.
    assertRedirects(client.post(reverse("accounts:otp"), {"recovery": codes[0]}), reverse("agents:home"))
    client.post(reverse("accounts:logout"))
    login(client, agent_user, password)
    assertContains(client.post(reverse("accounts:otp"), {"recovery": codes[0]}), "pas le bon", status_code=400)


def test_five_wrong_codes_send_back_to_the_password(client, agent_user, password):
    TOTPDevice.objects.create(user=agent_user, secret=pyotp.random_base32(), confirmed_at=timezone.now())
    login(client, agent_user, password)
    for _ in range(4):
        client.post(reverse("accounts:otp"), {"code": "123456"})
    assertRedirects(client.post(reverse("accounts:otp"), {"code": "123456"}), reverse("accounts:login"))
    assertRedirects(client.get(reverse("accounts:otp")), reverse("accounts:login"))


def test_the_password_alone_never_sets_up_an_authenticator(
    client, agent_user, password, django_capture_on_commit_callbacks
):
    """Somebody who knows a new agent's password, but cannot read their
    mailbox, never sees a key to set up."""
    login(client, agent_user, password)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("accounts:otp_setup"))
    assert "<svg" not in page.content.decode()
    assert not TOTPDevice.objects.exists()
    (sent,) = mail.outbox
    assert sent.to == [agent_user.email]
    link = re.search(r"https?://[^/\s]+(/compte/connexion/application/[^\s]+/)", sent.body).group(1)
    # The link opened in another browser proves nothing.
    stranger = Client()
    stranger.post(reverse("accounts:login"), {"username": agent_user.email, "password": password})
    assertRedirects(stranger.get(link), reverse("accounts:login"))
    assert "<svg" not in stranger.get(reverse("accounts:otp_setup")).content.decode()
    # Posting a code without the mailbox's proof sets nothing up either.
    stranger.post(reverse("accounts:otp_setup"), {"code": "123456"})
    assert not TOTPDevice.objects.filter(confirmed_at__isnull=False).exists()


def test_logins_are_throttled_per_address(client, pro_user, password, settings):
    settings.LOGIN_FAILURES = 10
    start = timezone.now().replace(minute=0, second=0)
    with time_machine.travel(start, tick=False):
        for _ in range(10):
            client.post(reverse("accounts:login"), {"username": pro_user.email, "password": "x"})
        response = login(client, pro_user, password)
    assertContains(response, "Trop d’essais", status_code=200)
    with time_machine.travel(start + timedelta(minutes=16)):
        assertRedirects(login(client, pro_user, password), reverse("pro:reports"))


def test_an_idle_agent_is_logged_out(client, agent_user, settings):
    settings.STAFF_IDLE_MINUTES = 30
    client.force_login(agent_user)
    assert client.get(reverse("agents:home")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert client.get(reverse("agents:home")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=51)):
        response = client.get(reverse("agents:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert "_auth_user_id" not in client.session


def test_the_admin_site_has_no_login_of_its_own(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# --- Invitations ---------------------------------------------------------------------------


def test_an_admin_invites_an_agent_of_the_administration_only(
    client, admin_user, agent_user, django_capture_on_commit_callbacks
):
    client.force_login(agent_user)
    assert client.get(reverse("agents:invite")).status_code == 403
    client.force_login(admin_user)
    response = client.post(reverse("agents:invite"), {"email": "x@gmail.com", "role": "agent"})
    assertContains(response, "Seules les adresses de l’administration", status_code=400)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("agents:invite"), {"email": "nouvel.agent@dgccrf.finances.gouv.fr", "role": "food_safety_agent"}
        )
    link = re.search(r"https?://[^/\s]+(/compte/invitation/[^\s]+/)", mail.outbox[-1].body).group(1)
    client.logout()
    response = client.post(
        link,
        {
            "first_name": "Nina",
            "last_name": "Agent",
            "password1": "un mot de passe solide",
            "password2": "un mot de passe solide",
        },
    )
    assertRedirects(response, reverse("accounts:login"))
    agent = User.objects.get(email="nouvel.agent@dgccrf.finances.gouv.fr")
    assert agent.role == "food_safety_agent"
    assertRedirects(login(client, agent, "un mot de passe solide"), reverse("accounts:otp_setup"))
    # The invitation opened in this browser proved the mailbox: the key shows at once.
    assertContains(client.get(reverse("accounts:otp_setup")), "<svg")


# --- Scope --------------------------------------------------------------------------------


@pytest.fixture
def report():
    return ReportFactory(department="13")


def urls(report):
    ref = report.reference
    return {
        "get": [
            reverse("agents:home"),
            reverse("agents:search"),
            reverse("agents:report", args=[ref]),
            reverse("agents:subscriptions"),
        ],
        "post": [
            reverse("agents:comment", args=[ref]),
            reverse("agents:tags", args=[ref]),
            reverse("agents:forward", args=[ref]),
            reverse("agents:report_reopen", args=[ref]),
        ],
    }


def test_anonymous_users_log_in_and_professionals_get_404(client, report, pro_user):
    for method, group in urls(report).items():
        for url in group:
            response = getattr(client, method)(url)
            assert response.status_code == 302 and "/compte/connexion/" in response["Location"], url
    client.force_login(pro_user)
    for method, group in urls(report).items():
        for url in group:
            assert getattr(client, method)(url).status_code == 404, url


def test_a_food_safety_agent_gets_404_on_another_report(client, report):
    food = ReportFactory()
    food.tags.add(Tag.objects.get(slug="alimentation"))
    client.force_login(UserFactory(food_safety_agent=True))
    assert client.get(reverse("agents:report", args=[report.reference])).status_code == 404
    assert client.post(reverse("agents:comment", args=[report.reference]), {"text": "x"}).status_code == 404
    assert client.get(reverse("agents:report", args=[food.reference])).status_code == 200
    found = client.get(reverse("agents:search"))
    assertContains(found, food.reference)
    assertNotContains(found, report.reference)


def test_a_read_only_admin_reads_everything_and_acts_on_nothing(client, report, readonly_admin_user):
    client.force_login(readonly_admin_user)
    for url in urls(report)["get"]:
        assert client.get(url).status_code == 200, url
    assertContains(client.get(reverse("agents:report", args=[report.reference])), "permet de lire")
    for url in urls(report)["post"]:
        assert client.post(url, {"text": "x"}).status_code == 403, url
    assert not Comment.objects.exists()


def test_agents_cannot_use_the_admin_actions(client, report, agent_user):
    client.force_login(agent_user)
    for action in ("report_reopen", "report_anonymise", "report_change_company", "report_delete"):
        url = reverse(f"agents:{action}", args=[report.reference])
        assert client.post(url, {"confirm": report.reference}).status_code == 403
    assert Report.objects.filter(pk=report.pk).exists()


def test_views_refuse_other_methods(client, report, agent_user):
    client.force_login(agent_user)
    assert client.post(reverse("agents:search")).status_code == 405
    assert client.get(reverse("agents:comment", args=[report.reference])).status_code == 405


# --- Search -------------------------------------------------------------------------------


def search(client, **params):
    return client.get(reverse("agents:search"), params)


def test_search_filters(client, agent_user):
    marseille = ReportFactory(department="13", description="Un grille-pain qui prend feu")
    toulon = ReportFactory(department="83", status=ReportStatus.CLOSED_UNREAD)
    toulon.tags.add(Tag.objects.get(slug="produit-dangereux"))
    client.force_login(agent_user)

    def found(**params):
        page = search(client, **params).content.decode()
        return {r.reference for r in (marseille, toulon) if r.reference in page}

    assert found(departements="13") == {marseille.reference}
    assert found(departements="13, 83") == {marseille.reference, toulon.reference}
    assert found(statuts="NonConsulte") == {toulon.reference}
    assert found(avec_tags="produit-dangereux") == {toulon.reference}
    assert found(sans_tags="produit-dangereux") == {marseille.reference}
    assert found(siret=marseille.company_siret) == {marseille.reference}
    assert found(siret=marseille.company_siret[:9]) == {marseille.reference}
    assert found(texte="grille-pain") == {marseille.reference}
    marseille.save()  # a save of a row read earlier keeps its search vector
    assert found(texte="grille-pain") == {marseille.reference}
    assert found(identite="oui") == set()
    bad = search(client, departements="13, 1000")
    assertContains(bad, "Département inconnu : 1000", status_code=400)


def test_full_text_finds_words_in_the_answer_too(client, agent_user):
    report = ReportFactory(read=True)
    pro = company_user(report.company)
    lifecycle.report_answer(
        report=report, user=pro, kind="rejected", reason="conforme", message="Nos étiquettes sont conformes"
    )
    ReportFactory(description="autre chose")
    client.force_login(agent_user)
    page = search(client, texte="étiquettes").content.decode()
    assert report.reference in page


def test_full_text_ignores_accents_both_ways(client, agent_user):
    accented = ReportFactory(description="Plus d’Électricité depuis lundi, le compteur est coupé")
    plain = ReportFactory(description="Facture d'electricite doublee sans explication")
    ReportFactory(description="Un grille-pain qui prend feu")
    client.force_login(agent_user)

    def found(text):
        page = search(client, texte=text).content.decode()
        return {r.reference for r in (accented, plain) if r.reference in page}

    both = {accented.reference, plain.reference}
    assert found("electricite") == both
    assert found("Électricité") == both
    assert found("ÉLECTRICITÉ doublée") == {plain.reference}


def test_the_migration_recomputes_every_vector_in_batches(postgresql, monkeypatch):
    """Vectors written before 0016 (plain French, accents kept) are rewritten
    through the accent-insensitive configuration, batch after batch."""
    migration = importlib.import_module("reports.migrations.0016_accent_insensitive_search")
    reports = [ReportFactory(description=f"Électricité coupée, n° {n}") for n in range(5)]
    ids = [r.pk for r in reports]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reports_report SET search_vector = to_tsvector('french', description) WHERE id = ANY(%s)", [ids]
        )
    query = SearchQuery("electricite", config=SEARCH_CONFIG)
    assert not Report.objects.filter(pk__in=ids, search_vector=query).exists()
    monkeypatch.setattr(migration, "BATCH", 2)
    with connection.schema_editor() as editor:
        migration.forwards(None, editor)
    assert set(Report.objects.filter(search_vector=query).values_list("pk", flat=True)) == set(ids)


def test_search_keeps_a_flat_number_of_queries_and_never_counts_every_match(client, agent_user):
    ReportFactory()
    client.force_login(agent_user)
    search(client, departements="75")
    with CaptureQueriesContext(connection) as few:
        search(client, departements="75")
    for _ in range(30):
        ReportFactory()
    with CaptureQueriesContext(connection) as many:
        page = search(client, departements="75")
    assert len(many) == len(few)
    counts = [q["sql"].upper() for q in many.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 10001" in sql for sql in counts)
    assertContains(page, "Page suivante")


def test_saved_searches(client, agent_user):
    client.force_login(agent_user)
    client.post(reverse("agents:search_save"), {"name": "Marseille", "query": "departements=13"})
    saved = SavedSearch.objects.get(user=agent_user)
    assertContains(search(client), "?departements=13")
    client.post(reverse("agents:search_forget", args=[saved.pk]))
    assert not SavedSearch.objects.exists()


def test_a_search_is_kept_with_only_the_filters_it_holds(client, agent_user):
    """What is saved, subscribed to or exported is always searchable again: the
    page number and strange keys are left out, filters the form refuses are not kept."""
    client.force_login(agent_user)
    client.post(reverse("agents:search_save"), {"name": "Var", "query": "departements=83&page=4&%00=1&x=y"})
    assert SavedSearch.objects.get().query == "departements=83"
    response = client.post(
        reverse("agents:search_save"), {"name": "Mauvais", "query": "departements=Paris"}, follow=True
    )
    assertContains(response, "Ces filtres ne sont pas valides")
    assert SavedSearch.objects.count() == 1
    client.post(
        reverse("agents:subscriptions"), {"name": "Var", "frequency": "daily", "query": "departements=83&%00=1"}
    )
    assert Subscription.objects.get().filters == {"departements": ["83"]}
    client.post(reverse("agents:subscriptions"), {"name": "Non", "frequency": "daily", "query": "depuis=hier"})
    assert Subscription.objects.count() == 1


# --- The report page ------------------------------------------------------------------------


def test_the_report_page_shows_everything_with_the_timeline(client, agent_user):
    report = ReportFactory(share_identity=False, consumer_phone="0612345678")
    lifecycle.report_filed(report=report)
    client.force_login(agent_user)
    page = client.get(reverse("agents:report", args=[report.reference]))
    assertContains(page, report.email)
    assertContains(page, "0612345678")
    assertContains(page, "Identité cachée à l’entreprise.")
    # An agent's opening changes nothing.
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT


def test_agents_comment_with_files_inspect_bookmark_tag_and_forward(client, agent_user):
    report = ReportFactory()
    authority = Authority.objects.create(name="Plateforme PHAROS")
    client.force_login(agent_user)
    ref = report.reference
    client.post(
        reverse("agents:comment", args=[ref]),
        {"text": "Appelé le gérant.", "files": [files.upload("pv.pdf", files.pdf())]},
    )
    comment = Comment.objects.get()
    assert comment.user == agent_user and Attachment.objects.get().comment == comment
    client.post(
        reverse("inspections:new"),
        {"entreprise": report.company.siret, "reports": [ref], "planned_on": date.today().isoformat()},
    )
    assert list(Inspection.objects.get().reports.all()) == [report]
    client.post(reverse("agents:bookmark", args=[ref]))
    assert Bookmark.objects.filter(user=agent_user, report=report).exists()
    client.post(reverse("agents:bookmark", args=[ref]))
    assert not Bookmark.objects.exists()
    client.post(reverse("agents:tags", args=[ref]), {"tags": ["hygiene", "internet"]})
    assert set(report.tags.values_list("slug", flat=True)) == {"hygiene", "internet"}
    client.post(
        reverse("agents:forward", args=[ref]),
        {"authority": authority.pk, "note": "Arnaque en ligne"},
    )
    actions = list(report.events.values_list("action", flat=True))
    for action in ("comment_added", "inspection_launched", "tags_changed", "report_forwarded"):
        assert action in actions
    page = client.get(reverse("agents:report", args=[ref]))
    assertContains(page, "Plateforme PHAROS")
    assertContains(page, "Appelé le gérant.")
    bad = client.post(reverse("inspections:new"), {"entreprise": report.company.siret, "reports": [ref]})
    assertContains(bad, "Ce champ est obligatoire", status_code=400)


def test_admin_actions(client, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    closed = ReportFactory(status=ReportStatus.CLOSED_UNREAD, expires_at=timezone.now() - timedelta(days=1))
    client.post(reverse("agents:report_reopen", args=[closed.reference]))
    closed.refresh_from_db()
    assert closed.status == ReportStatus.SENT

    other = CompanyFactory()
    client.post(reverse("agents:report_change_company", args=[closed.reference]), {"entreprise-siret": other.siret})
    closed.refresh_from_db()
    assert closed.company == other and closed.company_siret == other.siret
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        client.force_login(admin_user)
        client.post(
            reverse("agents:report_change_company", args=[closed.reference]),
            {"entreprise-siret": CompanyFactory().siret},
        )
    client.force_login(admin_user)
    closed.refresh_from_db()
    assert closed.company == other

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agents:report_anonymise", args=[closed.reference]))
    closed.refresh_from_db()
    assert closed.status == ReportStatus.ANONYMISED
    assert any("sont effacées" in m.subject for m in mail.outbox)

    spam = ReportFactory()
    client.post(reverse("agents:report_delete", args=[spam.reference]), {"confirm": "non"})
    assert Report.objects.filter(pk=spam.pk).exists()
    client.post(reverse("agents:report_delete", args=[spam.reference]), {"confirm": spam.reference})
    assert not Report.objects.filter(pk=spam.pk).exists()


# --- Subscriptions and alerts -------------------------------------------------------------


def test_a_subscription_digest_lists_the_new_matching_reports_once(
    client, agent_user, django_capture_on_commit_callbacks
):
    monday = timezone.make_aware(timezone.datetime(2026, 11, 23, 6, 0))
    with time_machine.travel(monday - timedelta(days=2), tick=False):
        client.force_login(agent_user)
        client.post(reverse("agents:subscriptions"), {"name": "Var", "frequency": "daily", "query": "departements=83"})
        client.post(
            reverse("agents:subscriptions"), {"name": "Hebdo", "frequency": "weekly", "query": "departements=83"}
        )
        assert Subscription.objects.count() == 2
    with time_machine.travel(monday - timedelta(days=1), tick=False):
        match = ReportFactory(department="83")
        ReportFactory(department="13")
    sunday_evening = time_machine.travel(monday - timedelta(hours=12), tick=False)
    with sunday_evening, django_capture_on_commit_callbacks(execute=True):
        assert subscriptions.send_subscription_digests() == 1
        assert subscriptions.send_subscription_digests() == 0
    (daily,) = mail.outbox
    assert match.reference in daily.body and "Var" in daily.subject
    monday_morning = time_machine.travel(monday + timedelta(hours=1), tick=False)
    with monday_morning, django_capture_on_commit_callbacks(execute=True):
        assert subscriptions.send_subscription_digests() == 1  # the weekly one, on Monday
    assert match.reference in mail.outbox[-1].body and "Hebdo" in mail.outbox[-1].subject


def test_a_dangerous_product_alerts_the_departments_office_at_once(
    django_capture_on_commit_callbacks,
):
    DepartmentOffice.objects.create(department="13", name="DDPP 13", email="ddpp@bouches-du-rhone.gouv.fr")
    report = ReportFactory(department="13")
    report.tags.add(Tag.objects.get(slug="produit-dangereux"))
    moment = timezone.now().replace(microsecond=0)
    frozen = time_machine.travel(moment, tick=False)
    with frozen, django_capture_on_commit_callbacks(execute=True):
        lifecycle.report_filed(report=report)
        lifecycle.report_filed(report=report)  # again: one alert only
    alert = [m for m in mail.outbox if m.to == ["ddpp@bouches-du-rhone.gouv.fr"]]
    assert len(alert) == 1 and report.reference in alert[0].subject
    assert f"/agents/signalements/{report.reference}/" in alert[0].body
    # Sent at the moment of filing, not in a later batch.
    row = OutgoingEmail.objects.get(kind="agent_dangerous_product")
    assert row.created_at == row.sent_at == moment


def test_an_agent_chooses_their_departments_for_the_home_page(client, agent_user):
    mine = ReportFactory(department="83")
    other = ReportFactory(department="13")
    client.force_login(agent_user)
    bad = client.post(reverse("accounts:account_departments"), {"departments": "83, 1000"})
    assertContains(bad, "Département inconnu : 1000", status_code=400)
    client.post(reverse("accounts:account_departments"), {"departments": "83"})
    agent_user.refresh_from_db()
    assert agent_user.departments == ["83"]
    home = client.get(reverse("agents:home"))
    assertContains(home, mine.reference)
    assertNotContains(home, other.reference)


def test_search_by_the_country_of_a_foreign_company(client, agent_user):
    german = ReportFactory(
        company=None,
        company_name="Shop GmbH",
        company_country="Allemagne",
        status=ReportStatus.NOT_SENT,
        expires_at=None,
    )
    french = ReportFactory()
    client.force_login(agent_user)
    page = search(client, pays="allemagne").content.decode()
    assert german.reference in page and french.reference not in page


def test_the_admin_keeps_the_authorities_and_resets_a_lost_authenticator(client, admin_user, agent_user):
    assert Authority.objects.filter(name__startswith="PHAROS").exists()  # seeded
    TOTPDevice.objects.create(user=agent_user, secret="A" * 32, confirmed_at=timezone.now())
    client.force_login(admin_user)
    assert client.get(reverse("admin:reports_authority_changelist")).status_code == 200
    device = TOTPDevice.objects.get()
    client.post(reverse("admin:accounts_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert not TOTPDevice.objects.exists()


def test_a_broken_subscription_is_skipped_and_its_owner_told_once(agent_user, django_capture_on_commit_callbacks):
    other = UserFactory(agent=True)
    yesterday = timezone.now() - timedelta(days=1)
    with time_machine.travel(yesterday):
        broken = Subscription.objects.create(
            user=agent_user, name="Cassé", filters={"telephone": ["abc"]}, last_sent_until=timezone.now()
        )
        Subscription.objects.create(
            user=other, name="Var", filters={"departements": ["83"]}, last_sent_until=timezone.now()
        )
    ReportFactory(department="83")
    later = timezone.now() + timedelta(hours=1)
    for day in (0, 1):  # two daily runs
        with (
            time_machine.travel(later + timedelta(days=day), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            subscriptions.send_subscription_digests()
    subjects = [(message.to, message.subject) for message in mail.outbox]
    assert ([other.email], "1 nouveaux signalements pour votre abonnement « Var »") in subjects
    told = [subject for to, subject in subjects if to == [agent_user.email]]
    assert told == ["Votre abonnement « Cassé » ne peut plus être envoyé"]
    broken.refresh_from_db()
    assert broken.last_sent_until < later


def test_a_company_id_that_is_not_a_number_is_ignored(client, agent_user):
    client.force_login(agent_user)
    response = client.post(reverse("agents:companies_to_activate"), {"company": ["abc", "99999999999999999999999"]})
    assertRedirects(response, reverse("agents:companies_to_activate"))


def test_the_search_counts_its_results_no_further_than_its_limit(client, agent_user, monkeypatch):
    from reports.agents.views import search as search_view

    ReportFactory.create_batch(3, department="13")
    client.force_login(agent_user)
    assertContains(client.get(reverse("agents:search"), {"departements": "13"}), "3 signalements.")
    monkeypatch.setattr(search_view, "COUNT_LIMIT", 2)
    page = client.get(reverse("agents:search"), {"departements": "13"})
    assertContains(page, "Plus de 2 signalements.")
