from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from reports.lifecycle import initial_expiry, initial_status
from reports.models import ReportStatus

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def test_a_report_for_the_company_starts_unread_and_one_kept_away_is_na():
    assert initial_status(goes_to_company=True) == ReportStatus.TRAITEMENT_EN_COURS
    assert initial_status(goes_to_company=False) == ReportStatus.NA


def test_the_company_has_25_days_with_users_and_60_without():
    status = ReportStatus.TRAITEMENT_EN_COURS
    assert initial_expiry(status=status, company_has_users=True, now=NOW) == NOW + timedelta(
        days=25
    )
    assert initial_expiry(status=status, company_has_users=False, now=NOW) == NOW + timedelta(
        days=60
    )


def test_a_report_the_company_never_gets_has_no_deadline():
    assert initial_expiry(status=ReportStatus.NA, company_has_users=True, now=NOW) is None
