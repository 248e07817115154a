"""Everything a transition writes besides the status: the fields it sets,
the event it records, the emails it queues and what it refuses, with its
words. Mutation testing (`make mutation`, docs/testing.md) found these
effects unchecked: a transition could drop one and every other test passed."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from notifications.models import EmailStatus, OutgoingEmail
from notifications.services import email_queue
from reports import lifecycle
from reports.lifecycle import IllegalTransition
from reports.models import Attachment, Report, ReportStatus, Tag
from signalconso.audit import ActorKind, EventKind

from ..accounts.factories import UserFactory
from ..companies.factories import CompanyFactory
from .factories import ReportFactory, company_user

pytestmark = pytest.mark.django_db
S = ReportStatus


def only_event(report, kind):
    (event,) = report.events.filter(action=kind)
    return event


def assert_deduplicated():
    """Every email the lifecycle queues carries a key: queued twice, it leaves once."""
    assert OutgoingEmail.objects.exists()
    assert not OutgoingEmail.objects.filter(dedupe_key__isnull=True).exists()


# --- Closing at the deadline ------------------------------------------------------------------


def test_a_report_closes_once_its_deadline_is_reached(sent):
    report = ReportFactory()
    with (
        time_machine.travel(report.expires_at - timedelta(seconds=1), tick=False),
        pytest.raises(IllegalTransition) as refused,
    ):
        lifecycle.report_expire(report=report)
    assert refused.value.message == "Le délai de ce signalement n’est pas écoulé."
    with time_machine.travel(report.expires_at, tick=False):
        sent(lifecycle.report_expire, report=report)
    report.refresh_from_db()
    assert report.status == S.CLOSED_UNREAD
    event = only_event(report, EventKind.REPORT_CLOSED)
    assert (event.actor, event.user, event.details) == (
        ActorKind.SYSTEM,
        None,
        {"from": S.SENT, "to": S.CLOSED_UNREAD},
    )
    assert_deduplicated()
    (email,) = mail.outbox
    assert email.to == [report.email]


# --- Reopening ----------------------------------------------------------------------------------


def test_only_an_administrator_reopens_and_says_so(agent_user):
    report = ReportFactory(status=S.CLOSED_UNREAD, expires_at=timezone.now() - timedelta(days=1))
    with pytest.raises(IllegalTransition) as refused:
        lifecycle.report_reopen(report=report, user=agent_user)
    assert refused.value.message == "Seul un administrateur peut rouvrir un signalement."


def test_a_reopened_report_gets_three_days_and_no_immediate_reminder(sent, admin_user):
    closed_at = timezone.now() - timedelta(days=1)
    report = ReportFactory(status=S.CLOSED_UNANSWERED, read_at=closed_at, closed_at=closed_at, expires_at=closed_at)
    company_user(report.company)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        sent(lifecycle.report_reopen, report=report, user=admin_user)
    report.refresh_from_db()
    assert (report.status, report.closed_at) == (S.READ, None)
    assert report.expires_at == now + timedelta(days=3) and report.reminded_at == now
    event = only_event(report, EventKind.REPORT_REOPENED)
    assert (event.actor, event.user) == (ActorKind.AGENT, admin_user)
    assert event.details == {"expires_at": report.expires_at.isoformat(), "from": S.CLOSED_UNANSWERED, "to": S.READ}
    assert_deduplicated()
    assert OutgoingEmail.objects.filter(kind="pro_report_reopened", report=report).exists()


# --- A website identified: its reports go to the company -------------------------------------


@pytest.fixture
def identified():
    """The company just identified behind a site, with a user to alert."""
    company = CompanyFactory(legal_name="BOUTIQUE IDENTIFIÉE")
    company_user(company)
    return company


def test_an_identified_sites_report_goes_to_the_company_as_if_filed_now(sent, identified, agent_user):
    report = ReportFactory(not_for_company=True)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        assert sent(lifecycle.report_attribute, report=report, company=identified, user=agent_user) is True
    report.refresh_from_db()
    assert (report.status, report.company, report.reminded_at) == (S.SENT, identified, now)
    assert report.expires_at == now + timedelta(days=25)  # the company has users
    assert (report.company_name, report.company_siret) == ("BOUTIQUE IDENTIFIÉE", identified.siret)
    event = only_event(report, EventKind.COMPANY_ATTRIBUTED)
    assert (event.actor, event.user, event.details) == (ActorKind.AGENT, agent_user, {"siret": identified.siret})
    assert OutgoingEmail.objects.filter(report=report, company=identified).exists()  # the company is alerted
    assert_deduplicated()


def test_a_company_without_users_gets_sixty_days(identified, agent_user):
    lonely = CompanyFactory()
    report = ReportFactory(not_for_company=True)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        lifecycle.report_attribute(report=report, company=lonely, user=agent_user)
    report.refresh_from_db()
    assert report.expires_at == now + timedelta(days=60)


@pytest.mark.parametrize("why", ["question", "hidden tag", "foreign company", "already has a company"])
def test_some_reports_never_go_to_the_identified_company(why, identified, agent_user):
    report = ReportFactory(not_for_company=True, question_only=why == "question")
    if why == "hidden tag":
        report.tags.add(Tag.objects.create(slug="cache", label_fr="Caché", hidden_from_company=True))
    if why == "foreign company":
        identified.country = "Belgique"
        identified.save()
    if why == "already has a company":
        Report.objects.filter(pk=report.pk).update(company=CompanyFactory())
        report.refresh_from_db()
    assert lifecycle.report_attribute(report=report, company=identified, user=agent_user) is False
    report.refresh_from_db()
    assert report.status == S.NOT_SENT
    assert not report.events.filter(action=EventKind.COMPANY_ATTRIBUTED).exists()
    assert not OutgoingEmail.objects.exists()


def test_a_tag_the_company_may_see_does_not_stop_the_report(identified, agent_user):
    report = ReportFactory(not_for_company=True)
    report.tags.add(Tag.objects.create(slug="visible", label_fr="Visible", hidden_from_company=False))
    assert lifecycle.report_attribute(report=report, company=identified, user=agent_user) is True


# --- Sent to another company ------------------------------------------------------------------


def test_a_redirected_report_starts_afresh_at_the_new_company(sent, identified):
    closed_at = timezone.now() - timedelta(days=1)
    report = ReportFactory(
        status=S.CLOSED_UNANSWERED, read_at=closed_at, closed_at=closed_at, reminder_count=2, reminded_at=closed_at
    )
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        sent(lifecycle.report_redirect, report=report, company=identified)
    report.refresh_from_db()
    assert (report.status, report.company, report.read_at, report.closed_at) == (S.SENT, identified, None, None)
    assert (report.reminder_count, report.reminded_at, report.expires_at) == (0, now, now + timedelta(days=25))
    assert report.company_name == "BOUTIQUE IDENTIFIÉE"
    assert OutgoingEmail.objects.filter(report=report, company=identified).exists()


def test_a_report_kept_from_companies_only_changes_its_company(identified):
    report = ReportFactory(not_for_company=True)
    lifecycle.report_redirect(report=report, company=identified)
    report.refresh_from_db()
    assert (report.status, report.company, report.expires_at) == (S.NOT_SENT, identified, None)
    assert (report.company_name, report.department) == ("BOUTIQUE IDENTIFIÉE", identified.department)
    assert not OutgoingEmail.objects.exists()


# --- Anonymisation ----------------------------------------------------------------------------


@pytest.fixture
def full_report():
    report = ReportFactory(
        consumer_phone="0612345678",
        consumer_reference="Commande 42",
        answers=[{"slug": "q", "question": "Quand ?", "answer": "Hier, chez M. X"}],
        share_identity=True,
    )
    attachment = Attachment(
        report=report, origin=ActorKind.CONSUMER, name="a.pdf", extension="pdf", content_type="application/pdf", size=3
    )
    attachment.file.save("a", ContentFile(b"pdf"), save=True)
    return report, attachment.file.name


def test_anonymisation_erases_every_field_that_names_the_consumer(sent, full_report):
    report, stored = full_report
    assert default_storage.exists(stored)
    sent(lifecycle.report_anonymise, report=report)
    report.refresh_from_db()
    assert (report.consumer_phone, report.consumer_reference, report.answers) == ("", "", [])
    assert report.share_identity is False
    assert not default_storage.exists(stored)  # the file itself, after commit


def test_anonymisation_cancels_this_reports_emails_only(full_report):
    report, _stored = full_report
    other = ReportFactory()
    for target in (report, other):
        email_queue("consumer_report_read", to=target.email, data={"reference": target.reference}, report=target)
    sending = OutgoingEmail.objects.create(
        kind="consumer_report_read", to=["paule@example.fr"], report=report, status=EmailStatus.SENDING,
        next_attempt_at=timezone.now(),
    )  # fmt: skip
    lifecycle.report_anonymise(report=report)
    assert OutgoingEmail.objects.get(report=other).status == EmailStatus.PENDING
    assert OutgoingEmail.objects.get(report=report, status=EmailStatus.CANCELLED).to == []
    # One being sent keeps its address until it is out.
    sending.refresh_from_db()
    assert (sending.status, sending.to) == (EmailStatus.SENDING, ["paule@example.fr"])


def test_anonymisation_keeps_the_history_without_its_notes(full_report, agent_user):
    report, _stored = full_report
    from signalconso.audit import record_event

    record_event(
        EventKind.COMMENT_ADDED,
        actor=ActorKind.AGENT,
        report=report,
        user=agent_user,
        details={"note": "M. X", "n": 1},
    )
    lifecycle.report_anonymise(report=report)
    assert report.events.get(action=EventKind.COMMENT_ADDED).details == {"n": 1}


@pytest.mark.parametrize(
    ("who", "actor"), [("consumer", ActorKind.CONSUMER), ("agent", ActorKind.AGENT), ("job", ActorKind.SYSTEM)]
)
def test_the_anonymisation_event_names_who_asked(who, actor, full_report):
    report, _stored = full_report
    user = UserFactory(admin=True) if who == "agent" else None
    if who == "job":  # as the five-year job calls it, with the defaults
        lifecycle.report_anonymise(report=report)
    else:
        lifecycle.report_anonymise(report=report, user=user, by_consumer=who == "consumer", at_consumer_request=True)
    event = only_event(report, EventKind.REPORT_ANONYMISED)
    assert (event.actor, event.user) == (actor, user)
    assert event.details == {"at_consumer_request": who != "job", "from": S.SENT}


def test_only_a_consumers_request_gets_a_confirmation_in_their_language(sent):
    asked = ReportFactory(in_english=True)
    sent(lifecycle.report_anonymise, report=asked, at_consumer_request=True)
    (row,) = OutgoingEmail.objects.filter(kind="consumer_anonymised")
    assert (row.report, row.language, row.dedupe_key) == (asked, "en", f"anonymised:{asked.pk}")
    by_job = ReportFactory()
    sent(lifecycle.report_anonymise, report=by_job)
    assert not OutgoingEmail.objects.filter(kind="consumer_anonymised", report=by_job).exists()


# --- Filing: who is told ------------------------------------------------------------------------


def test_a_report_kept_from_its_company_alerts_nobody_there(sent):
    company = CompanyFactory()
    company_user(company)
    report = ReportFactory(company=company, status=S.NOT_SENT, expires_at=None)
    sent(lifecycle.report_filed, report=report)
    assert not OutgoingEmail.objects.filter(kind="pro_new_report").exists()
    assert OutgoingEmail.objects.filter(kind="consumer_acknowledgement", dedupe_key__isnull=False).exists()


def test_only_a_dangerous_product_alerts_the_departments_office(sent):
    from notifications.models import DepartmentOffice

    DepartmentOffice.objects.create(department="13", name="DDPP 13", email="ddpp@example.gouv.fr")
    plain = ReportFactory(department="13")
    sent(lifecycle.report_filed, report=plain)
    assert not OutgoingEmail.objects.filter(kind="agent_dangerous_product").exists()
    dangerous = ReportFactory(department="13")
    dangerous.tags.add(
        Tag.objects.get_or_create(slug="produit-dangereux", defaults={"label_fr": "Produit dangereux"})[0]
    )
    sent(lifecycle.report_filed, report=dangerous)
    row = OutgoingEmail.objects.get(kind="agent_dangerous_product")
    assert (row.report, row.company, row.to) == (dangerous, dangerous.company, ["ddpp@example.gouv.fr"])


def earlier_alerts(company, *, count=lifecycle.NEW_REPORT_ALERTS_PER_HOUR, kind="pro_new_report", minutes_ago=10):
    for _ in range(count):
        email_queue(kind, to="pro@example.fr", data={}, report=ReportFactory(company=company), company=company)
    OutgoingEmail.objects.update(created_at=timezone.now() - timedelta(minutes=minutes_ago))


@pytest.mark.parametrize(
    "earlier",
    ["another company's alerts", "alerts older than an hour", "other emails to the company", "none"],
)
def test_the_hourly_alert_limit_counts_only_this_companys_alerts_of_the_last_hour(earlier, identified):
    if earlier == "another company's alerts":
        earlier_alerts(CompanyFactory())
    elif earlier == "alerts older than an hour":
        earlier_alerts(identified, minutes_ago=61)
    elif earlier == "other emails to the company":
        earlier_alerts(identified, kind="pro_report_reopened")
    report = ReportFactory(company=identified)
    lifecycle.report_filed(report=report)
    report.refresh_from_db()
    assert report.alert_deferred is False
    assert OutgoingEmail.objects.filter(kind="pro_new_report", report=report).exists()


def test_past_the_hourly_limit_the_alert_waits_for_the_digest(identified):
    earlier_alerts(identified)
    report = ReportFactory(company=identified)
    lifecycle.report_filed(report=report)
    report.refresh_from_db()
    assert report.alert_deferred is True
    assert not OutgoingEmail.objects.filter(kind="pro_new_report", report=report).exists()


def test_each_reopened_report_alerts_the_company_users_again(sent, admin_user):
    closed_at = timezone.now() - timedelta(days=1)
    first = ReportFactory(status=S.CLOSED_UNREAD, closed_at=closed_at, expires_at=closed_at)
    second = ReportFactory(company=first.company, status=S.CLOSED_UNREAD, closed_at=closed_at, expires_at=closed_at)
    company_user(first.company)
    for report in (first, second):
        sent(lifecycle.report_reopen, report=report, user=admin_user)
    assert {row.report for row in OutgoingEmail.objects.filter(kind="pro_report_reopened")} == {first, second}


def test_an_attributed_report_is_found_by_its_new_companys_name(postgresql, identified, agent_user):
    from reports.search import ReportFilters, reports_search

    report = ReportFactory(not_for_company=True, company_name="")
    lifecycle.report_attribute(report=report, company=identified, user=agent_user)
    assert list(reports_search(agent_user, ReportFilters(text="identifiée"))) == [report]


# --- Reading and answering ----------------------------------------------------------------------


def test_a_reading_beaten_by_a_colleague_is_not_the_first(sent):
    report = ReportFactory()
    pro = company_user(report.company)
    Report.objects.filter(pk=report.pk).update(status=S.READ)  # a colleague, a moment before
    assert lifecycle.report_mark_read(report=report, user=pro) is False
    assert not report.events.filter(action=EventKind.REPORT_READ).exists()


def test_the_first_reading_is_recorded_with_its_move(sent):
    report = ReportFactory()
    pro = company_user(report.company)
    sent(lifecycle.report_mark_read, report=report, user=pro)
    assert only_event(report, EventKind.REPORT_READ).details == {"from": S.SENT, "to": S.READ}
    assert_deduplicated()


def answer(report, **fields):
    values = {"kind": "rejected", "reason": "conforme", "message": "Conforme.", **fields}
    return lifecycle.report_answer(report=report, user=company_user(report.company), **values)


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"kind": "peut-etre"}, "Choisissez une réponse."),
        ({"reason": "inconnu"}, "Choisissez un motif de la liste."),
        ({"message": ""}, "Écrivez un message au consommateur (10000 caractères au plus)."),
        ({"message": None}, "Écrivez un message au consommateur (10000 caractères au plus)."),
        ({"message": "x" * 10_001}, "Écrivez un message au consommateur (10000 caractères au plus)."),
    ],
)
def test_an_answer_is_refused_with_words_saying_why(fields, words):
    report = ReportFactory(read=True)
    with pytest.raises(IllegalTransition) as refused:
        answer(report, **fields)
    assert refused.value.message == words
    assert Report.objects.get(pk=report.pk).status == S.READ


def test_an_answer_of_the_longest_length_and_no_note_is_taken():
    response = answer(ReportFactory(read=True), message="x" * 10_000)
    response.refresh_from_db()
    assert (len(response.message), response.private_note) == (10_000, "")


def test_no_answer_once_the_deadline_is_reached():
    report = ReportFactory(read=True)
    with time_machine.travel(report.expires_at, tick=False), pytest.raises(IllegalTransition) as refused:
        answer(report)
    assert refused.value.message == "Le délai de réponse de ce signalement est passé."


def test_an_answer_takes_only_its_own_clean_unattached_files():
    report = ReportFactory(read=True)

    def upload(origin=ActorKind.PRO, **fields):
        attachment = Attachment(
            origin=origin, name="f.pdf", extension="pdf", content_type="application/pdf", size=3, **fields
        )
        attachment.file.save("f", ContentFile(b"pdf"), save=True)
        return attachment

    mine = upload(scan_state="clean")
    infected = upload(scan_state="infected")
    someone_elses = upload(scan_state="clean")  # another company's answer being written
    a_consumers = upload(origin=ActorKind.CONSUMER, scan_state="clean")
    elsewhere = upload(scan_state="clean", report=ReportFactory())
    answer(report, attachments=[mine, infected, a_consumers, elsewhere])
    assert set(Attachment.objects.filter(report=report)) == {mine}
    assert Attachment.objects.get(pk=someone_elses.pk).report is None
    assert Attachment.objects.get(pk=elsewhere.pk).report != report


# --- The signed links -----------------------------------------------------------------------------


def test_a_link_works_until_the_end_of_its_last_day():
    from reports.wizard.links import follow_up_link, follow_up_token

    report = ReportFactory()
    last_day = timezone.localdate() + timedelta(days=3)
    token = follow_up_token(report, until=last_day)
    with time_machine.travel(timezone.make_aware(datetime.combine(last_day, time(23, 0))), tick=False):
        link = follow_up_link(token)
        assert (link.report, link.expired, link.about) == (report, False, "")
    with time_machine.travel(timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time(1, 0)))):
        assert follow_up_link(token).expired is True


def test_an_answer_is_recorded_with_its_kind_reason_files_and_move(sent):
    report = ReportFactory(read=True)
    pro = company_user(report.company)
    sent(lifecycle.report_answer, report=report, user=pro, kind="rejected", reason="conforme", message="Conforme.")
    event = only_event(report, EventKind.REPORT_ANSWERED)
    assert (event.actor, event.user) == (ActorKind.PRO, pro)
    assert event.details == {"kind": "rejected", "reason": "conforme", "files": 0, "from": S.READ, "to": S.REJECTED}
    (acknowledgement,) = OutgoingEmail.objects.filter(kind="pro_answer_acknowledgement")
    assert (acknowledgement.user, acknowledgement.company) == (pro, report.company)
    assert_deduplicated()
    # The same professional answering another report gets its acknowledgement too.
    other = ReportFactory(read=True, company=report.company)
    sent(lifecycle.report_answer, report=other, user=pro, kind="rejected", reason="conforme", message="Conforme.")
    assert OutgoingEmail.objects.filter(kind="pro_answer_acknowledgement").count() == 2


def test_the_consumers_emails_are_in_the_reports_language_and_deduplicated(sent):
    report = ReportFactory(in_english=True)
    sent(lifecycle.report_filed, report=report)
    (row,) = OutgoingEmail.objects.filter(kind="consumer_acknowledgement")
    assert (row.language, row.dedupe_key) == ("en", f"acknowledgement:{report.pk}")


def test_a_move_lost_to_someone_else_says_to_reload():
    report = ReportFactory()
    Report.objects.filter(pk=report.pk).update(status=S.READ)  # changed since it was read
    with pytest.raises(IllegalTransition) as refused:
        lifecycle.report_anonymise(report=report)
    assert refused.value.message == "Ce signalement vient d’être modifié par quelqu’un d’autre : rechargez la page."
