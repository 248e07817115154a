"""The report's statuses and deadlines: the one place that decides them.

For now it holds the rules of a report's birth (its first status and its
expiry); the transitions of its life (reading, answering, expiring,
reopening, anonymising) come with the lifecycle state machine.
"""

from datetime import datetime, timedelta

from .models import ReportStatus

# A company answers within 25 days when it has an account to read the report
# in, within 60 when it must first receive a letter and activate one.
EXPIRY_WHEN_COMPANY_HAS_USERS = timedelta(days=25)
EXPIRY_WHEN_COMPANY_HAS_NO_USERS = timedelta(days=60)


def initial_status(*, goes_to_company: bool) -> str:
    return ReportStatus.TRAITEMENT_EN_COURS if goes_to_company else ReportStatus.NA


def initial_expiry(*, status: str, company_has_users: bool, now: datetime) -> datetime | None:
    """When the company's time to answer runs out; None for a report it never gets."""
    if status == ReportStatus.NA:
        return None
    delay = EXPIRY_WHEN_COMPANY_HAS_USERS if company_has_users else EXPIRY_WHEN_COMPANY_HAS_NO_USERS
    return now + delay
