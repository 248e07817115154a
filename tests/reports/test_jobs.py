"""The daily jobs walked day by day with a frozen clock: reminders, the last
chance, closure, engagement reviews, held-back alerts. Each job runs twice
at every step and never sends an email twice."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications.models import OutgoingEmail
from reports import jobs, lifecycle
from reports.models import Report, ReportStatus, ResponseKind

from ..companies.factories import CompanyFactory
from .factories import ReportFactory, company_user

pytestmark = pytest.mark.django_db

JOBS = [
    jobs.send_reminders,
    jobs.close_expired_reports,
    jobs.request_engagement_reviews,
    jobs.send_deferred_company_alerts,
    jobs.anonymise_old_reports,
]


@pytest.fixture
def run_all_twice(django_capture_on_commit_callbacks):
    """Every job twice, each email sent after its job's commit, as the worker
    does: what one day of beat does."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(2):
                for job in JOBS:
                    job()

    return run


def subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


def test_a_report_walked_from_filing_to_closure(run_all_twice):
    start = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        company = CompanyFactory(brand="SUPER PRIX")
        pro = company_user(company)
        report = ReportFactory(company=company, expires_at=start + timedelta(days=25))
        seen = {}
        for day in range(0, 27):
            clock.move_to(start + timedelta(days=day, minutes=1))
            before = len(mail.outbox)
            run_all_twice()
            seen[day] = subjects()[before:]
    report.refresh_from_db()
    reminder = f"Rappel : un signalement sur {report.company_name} attend votre lecture"
    last_chance = f"Dernier jour pour répondre au signalement {report.reference}"
    closed = f"Votre signalement {report.reference} est clos : l’entreprise ne l’a pas lu"
    assert seen[7] == [reminder]
    assert seen[14] == [reminder]
    assert seen[24] == [last_chance]
    assert seen[25] == [closed]
    quiet = {day for day, sent in seen.items() if not sent}
    assert quiet == set(range(27)) - {7, 14, 24, 25}
    assert report.status == ReportStatus.CLOSED_UNREAD and report.reminder_count == 2
    assert [m.to for m in mail.outbox[:3]] == [[pro.email]] * 3


def test_a_read_report_is_reminded_for_its_answer(run_all_twice):
    report = ReportFactory(read=True)
    company_user(report.company)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        run_all_twice()
    assert subjects() == [f"Rappel : un signalement sur {report.company.name} attend votre réponse"]


def test_reminders_are_at_least_seven_days_apart_after_a_reopening(admin_user):
    report = ReportFactory(status=ReportStatus.CLOSED_UNREAD, expires_at=timezone.now() - timedelta(days=1))
    company_user(report.company)
    lifecycle.report_reopen(report=report, user=admin_user)
    with time_machine.travel(timezone.now() + timedelta(days=1, hours=12)):
        jobs.send_reminders()  # nothing yet: 7 days have not passed since the reopening
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        jobs.send_reminders()
    kinds = list(OutgoingEmail.objects.values_list("kind", flat=True).order_by("pk"))
    assert kinds == ["pro_report_reopened", "pro_last_chance"]


def test_a_company_without_users_gets_no_email_and_its_report_closes_after_60_days(
    run_all_twice,
):
    report = ReportFactory(expires_at=timezone.now() + timedelta(days=60))
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        run_all_twice()
    assert not mail.outbox
    with time_machine.travel(timezone.now() + timedelta(days=60, minutes=1)):
        run_all_twice()
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED_UNREAD
    assert subjects() == [f"Votre signalement {report.reference} est clos : l’entreprise ne l’a pas lu"]


def test_the_consumer_is_asked_about_the_engagement_21_days_later(run_all_twice):
    report = ReportFactory(read=True)
    pro = company_user(report.company)
    lifecycle.report_answer(
        report=report, user=pro, kind=ResponseKind.ACCEPTED, reason="remboursement", message="Nous vous remboursons."
    )
    with time_machine.travel(timezone.now() + timedelta(days=20)):
        run_all_twice()
    assert not mail.outbox
    with time_machine.travel(timezone.now() + timedelta(days=21, minutes=1)):
        run_all_twice()
    assert subjects() == [f"L’entreprise a-t-elle tenu son engagement ? (signalement {report.reference})"]
    assert "/signaler/avis/" in mail.outbox[0].body


def test_past_ten_alerts_an_hour_the_rest_wait_for_one_digest(run_all_twice):
    company = CompanyFactory()
    pro = company_user(company)
    muted = company_user(company, new_report_emails=False)
    reports = []
    for _ in range(12):
        report = ReportFactory(company=company)
        lifecycle.report_filed(report=report)
        reports.append(report)
    alerts = OutgoingEmail.objects.filter(kind="pro_new_report")
    assert alerts.count() == 10
    assert all(alert.to == [pro.email] for alert in alerts)
    for report in reports:
        report.refresh_from_db()
    assert [r.alert_deferred for r in reports] == [False] * 10 + [True] * 2
    run_all_twice()
    (digest,) = OutgoingEmail.objects.filter(kind="pro_new_reports_digest")
    assert digest.to == [pro.email] and digest.data["reports"] == [r.pk for r in reports[10:]]
    assert muted.email not in {t for row in OutgoingEmail.objects.all() for t in row.to}


def test_a_muted_user_still_gets_reminders(run_all_twice):
    report = ReportFactory()
    muted = company_user(report.company, new_report_emails=False)
    lifecycle.report_filed(report=report)
    assert not OutgoingEmail.objects.filter(kind="pro_new_report").exists()
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        run_all_twice()
    assert [m.to for m in mail.outbox if "Rappel" in m.subject] == [[muted.email]]


def test_head_office_users_hear_about_every_establishment():
    head_office = CompanyFactory(is_head_office=True)
    branch = CompanyFactory(siren=head_office.siren, siret=head_office.siren + "00028", is_head_office=False)
    pro = company_user(head_office)
    report = ReportFactory(company=branch)
    lifecycle.report_filed(report=report)
    assert OutgoingEmail.objects.get(kind="pro_new_report").to == [pro.email]


def test_reports_older_than_five_years_are_anonymised():
    old = ReportFactory()
    recent = ReportFactory()
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=5 * 365 + 1))
    assert jobs.anonymise_old_reports() == 1
    assert jobs.anonymise_old_reports() == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == ReportStatus.ANONYMISED and old.email == ""
    assert recent.status == ReportStatus.SENT


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("job", JOBS, ids=lambda job: job.__name__)
def test_a_job_already_running_elsewhere_does_nothing(job):
    import psycopg

    from signalconso.locks import _key

    name = job.__name__.replace("_", "-")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    ReportFactory(expires_at=timezone.now() - timedelta(days=1))  # work for close_expired_reports
    with psycopg.connect(**params) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [_key(name)])
        assert job() == 0
        # Released before closing: a closed connection's backend lets go of
        # its locks a moment later, which the next call could race.
        other.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])
    if job is jobs.close_expired_reports:
        assert job() == 1


def test_more_reports_due_than_a_run_may_erase_stops_the_run(settings, capsys):
    from django.core.management import CommandError, call_command

    settings.ANONYMISE_MAX_PER_RUN = 1
    reports = [ReportFactory(), ReportFactory()]
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(
        created_at=timezone.now() - timedelta(days=5 * 365 + 1)
    )
    with pytest.raises(jobs.TooManyToAnonymise):
        jobs.anonymise_old_reports()
    call_command("anonymise_old_reports", "--dry-run")
    assert "2 signalements de plus de 5 ans seraient anonymisés" in capsys.readouterr().out
    with pytest.raises(CommandError, match="rien n’est effacé"):
        call_command("anonymise_old_reports")
    assert not Report.objects.filter(status=ReportStatus.ANONYMISED).exists()
    call_command("anonymise_old_reports", "--force")
    assert Report.objects.filter(status=ReportStatus.ANONYMISED).count() == 2
