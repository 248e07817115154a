from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import EmailStatus, OutgoingEmail
from reports import lifecycle
from reports.lifecycle import IllegalTransition, initial_expiry, initial_status
from reports.models import Report, ReportStatus, Response, ResponseKind
from reports.wizard.links import follow_up_token

from ..accounts.factories import UserFactory
from .factories import ReportFactory, company_user

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def test_a_report_for_the_company_starts_unread_and_one_kept_away_is_na():
    assert initial_status(goes_to_company=True) == ReportStatus.SENT
    assert initial_status(goes_to_company=False) == ReportStatus.NOT_SENT


def test_the_company_has_25_days_with_users_and_60_without():
    status = ReportStatus.SENT
    assert initial_expiry(status=status, company_has_users=True, now=NOW) == NOW + timedelta(days=25)
    assert initial_expiry(status=status, company_has_users=False, now=NOW) == NOW + timedelta(days=60)


def test_a_report_the_company_never_gets_has_no_deadline():
    assert initial_expiry(status=ReportStatus.NOT_SENT, company_has_users=True, now=NOW) is None


# --- The transitions, on the database ---------------------------------------------------


@pytest.mark.django_db
def test_a_professionals_first_opening_marks_the_report_read_and_tells_the_consumer(sent):
    report = ReportFactory()
    pro = company_user(report.company)
    assert sent(lifecycle.report_mark_read, report=report, user=pro) is True
    report.refresh_from_db()
    assert report.status == ReportStatus.READ and report.read_at is not None
    assert report.events.filter(action="report_read", user=pro).exists()
    (email,) = mail.outbox
    assert email.to == ["paule@example.fr"]
    assert "a été lu" in email.subject
    # Opening it again changes nothing and sends nothing.
    assert sent(lifecycle.report_mark_read, report=report, user=pro) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_agents_opening_changes_nothing(sent, agent_user):
    report = ReportFactory()
    assert sent(lifecycle.report_mark_read, report=report, user=agent_user) is False
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT and not mail.outbox


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "reason", "status"),
    [
        (ResponseKind.ACCEPTED, "remboursement", ReportStatus.PROMISED),
        (ResponseKind.REJECTED, "conforme", ReportStatus.REJECTED),
        (ResponseKind.NOT_CONCERNED, "autre-entreprise", ReportStatus.NOT_CONCERNED),
    ],
)
def test_the_answer_sets_the_status_and_emails_both_sides(sent, kind, reason, status):
    report = ReportFactory(read=True)
    pro = company_user(report.company)
    response = sent(
        lifecycle.report_answer,
        report=report,
        user=pro,
        kind=kind,
        reason=reason,
        message="Nous avons corrigé l’étiquette.",
    )
    report.refresh_from_db()
    assert report.status == status
    assert response.report == report
    assert (response.engagement_due_at is not None) == (kind == ResponseKind.ACCEPTED)
    assert report.events.filter(action="report_answered", user=pro).exists()
    consumer, professional = mail.outbox
    assert consumer.to == ["paule@example.fr"] and "a répondu" in consumer.subject
    assert "/signaler/avis/" in consumer.body
    assert ("/signaler/reattribuer/" in consumer.body) == (kind == ResponseKind.NOT_CONCERNED)
    assert professional.to == [pro.email] and "est envoyée" in professional.subject


@pytest.mark.django_db
def test_an_illegal_move_is_a_domain_error_with_a_message():
    report = ReportFactory()  # unread
    pro = company_user(report.company)
    with pytest.raises(IllegalTransition) as error:
        lifecycle.report_answer(report=report, user=pro, kind=ResponseKind.ACCEPTED, reason="geste", message="…")
    assert error.value.message == "Impossible : ce signalement est « Transmis, pas encore lu »."
    with pytest.raises(IllegalTransition):
        lifecycle.report_reopen(report=report, user=UserFactory(admin=True))
    assert not Response.objects.exists() and not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_two_concurrent_answers_cannot_both_win():
    report = ReportFactory(read=True)
    pro = company_user(report.company)
    same_report_seen_by_a_colleague = Report.objects.get(pk=report.pk)
    lifecycle.report_answer(report=report, user=pro, kind=ResponseKind.REJECTED, reason="conforme", message="Non.")
    with pytest.raises(IllegalTransition) as error:
        lifecycle.report_answer(
            report=same_report_seen_by_a_colleague,
            user=pro,
            kind=ResponseKind.ACCEPTED,
            reason="geste",
            message="Oui.",
        )
    assert "vient d’être modifié" in error.value.message
    assert Response.objects.get().kind == ResponseKind.REJECTED


@pytest.mark.django_db
def test_answers_are_checked():
    report = ReportFactory(read=True)
    pro = company_user(report.company)
    for kind, reason, message in [
        ("merci", "x", "…"),
        ("accepted", "conforme", "…"),
        ("accepted", "geste", " "),
        ("accepted", "geste", "x" * 10_001),
    ]:
        with pytest.raises(IllegalTransition):
            lifecycle.report_answer(report=report, user=pro, kind=kind, reason=reason, message=message)
    assert Report.objects.get().status == ReportStatus.READ


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("trait", "closed_as", "email"),
    [
        ({}, ReportStatus.CLOSED_UNREAD, "ne l’a pas lu"),
        ({"read": True}, ReportStatus.CLOSED_UNANSWERED, "n’a pas répondu"),
    ],
)
def test_expiry_closes_and_tells_the_consumer(sent, trait, closed_as, email):
    report = ReportFactory(expires_at=timezone.now() - timedelta(minutes=1), **trait)
    sent(lifecycle.report_expire, report=report)
    report.refresh_from_db()
    assert report.status == closed_as and report.closed_at is not None
    assert email in mail.outbox[0].subject


@pytest.mark.django_db
def test_a_report_cannot_expire_before_its_deadline():
    with pytest.raises(IllegalTransition):
        lifecycle.report_expire(report=ReportFactory())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("closed", "reopened"),
    [
        (ReportStatus.CLOSED_UNREAD, ReportStatus.SENT),
        (ReportStatus.CLOSED_UNANSWERED, ReportStatus.READ),
    ],
)
def test_an_admin_reopens_an_expired_report_for_three_days(sent, admin_user, agent_user, closed, reopened):
    report = ReportFactory(status=closed, expires_at=timezone.now() - timedelta(days=2))
    pro = company_user(report.company)
    with pytest.raises(IllegalTransition):
        lifecycle.report_reopen(report=report, user=agent_user)
    sent(lifecycle.report_reopen, report=report, user=admin_user)
    report.refresh_from_db()
    assert report.status == reopened
    assert timedelta(days=2, hours=23) < report.expires_at - timezone.now() <= timedelta(days=3)
    (email,) = mail.outbox
    assert email.to == [pro.email] and "rouvert" in email.subject


@pytest.mark.django_db
def test_anonymisation_erases_the_consumer_and_their_files(sent, admin_user, client):
    from django.core.files.base import ContentFile

    from reports.models import Attachment
    from signalconso.audit import ActorKind

    report = ReportFactory()
    attachment = Attachment(
        report=report, origin=ActorKind.CONSUMER, name="a.pdf", extension="pdf", content_type="application/pdf", size=3
    )
    attachment.file.save("a", ContentFile(b"pdf"), save=True)
    token = follow_up_token(report)
    sent(lifecycle.report_anonymise, report=report, user=admin_user, at_consumer_request=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.ANONYMISED
    assert (report.first_name, report.last_name, report.email, report.description) == ("",) * 4
    assert not Attachment.objects.exists()
    assert client.get(reverse("reports:follow_up", args=[token])).status_code == 404
    (email,) = mail.outbox
    assert email.to == ["paule@example.fr"] and report.reference in email.subject
    # Once sent, even the outbox forgets the address.
    row = OutgoingEmail.objects.get(kind="consumer_anonymised")
    assert row.status == EmailStatus.SENT and row.to == []
    with pytest.raises(IllegalTransition):
        lifecycle.report_anonymise(report=report)


@pytest.mark.django_db
def test_statuses_change_only_along_the_table():
    every = set(ReportStatus)
    for action, moves in lifecycle.TRANSITIONS.items():
        for old, news in moves.items():
            assert old in every and set(news) <= every, action
    assert lifecycle.TRANSITIONS["answer"] == {
        ReportStatus.READ: (
            ReportStatus.PROMISED,
            ReportStatus.REJECTED,
            ReportStatus.NOT_CONCERNED,
        )
    }


@pytest.mark.django_db
def test_the_timeline_holds_every_action_and_every_email_in_order(sent, admin_user):
    from reports.selectors import report_timeline

    report = ReportFactory()
    pro = company_user(report.company)
    sent(lifecycle.report_mark_read, report=report, user=pro)
    sent(
        lifecycle.report_answer, report=report, user=pro, kind=ResponseKind.REJECTED, reason="conforme", message="Non."
    )
    timeline = report_timeline(report)
    assert [(e.action, e.details.get("email")) for e in timeline] == [
        ("report_read", None),
        ("email_sent", "consumer_report_read"),
        ("report_answered", None),
        ("email_sent", "consumer_report_answered"),
        ("email_sent", "pro_answer_acknowledgement"),
    ]
    assert timeline[0].user == pro and timeline[0].actor == "pro"
    assert timeline[1].actor == "system" and timeline[1].details["to"] == ["paule@example.fr"]


@pytest.mark.django_db
def test_anonymisation_erases_every_free_text_and_every_file(admin_user, agent_user):
    from django.core.files.base import ContentFile

    from reports.models import Attachment, Authority, Comment, Inspection, Response, Review
    from reports.services.agents import report_forward
    from signalconso.audit import ActorKind

    report = ReportFactory(status=ReportStatus.PROMISED)
    for origin in (ActorKind.CONSUMER, ActorKind.PRO, ActorKind.AGENT):
        attachment = Attachment(report=report, origin=origin, name=f"{origin}.pdf", extension="pdf",
                                content_type="application/pdf", size=3)  # fmt: skip
        attachment.file.save("a", ContentFile(b"pdf"), save=True)
    Response.objects.create(report=report, kind="accepted", reason="autre", message="Mme Durand, 3 rue…",
                            private_note="Cliente connue")  # fmt: skip
    Review.objects.create(report=report, about="answer", rating="negative", comment="Mon voisin M. X…")
    Comment.objects.create(report=report, user=agent_user, text="Appelée au 06…")
    Inspection.objects.create(report=report, user=agent_user, inspected_on=timezone.localdate(), outcome="warning",
                              notes="Gérant : M. Y")  # fmt: skip
    report_forward(
        report=report, user=agent_user, authority=Authority.objects.create(name="Police"), note="Plainte de Mme Durand"
    )
    lifecycle.report_anonymise(report=report, user=admin_user)
    assert not Attachment.objects.filter(report=report).exists()
    response = Response.objects.get(report=report)
    assert (response.message, response.private_note, response.kind) == ("", "", "accepted")
    assert Review.objects.get(report=report).comment == "" and Review.objects.get(report=report).rating == "negative"
    assert Comment.objects.get(report=report).text == ""
    assert Inspection.objects.get(report=report).notes == ""
    assert "note" not in report.events.get(action="report_forwarded").details
