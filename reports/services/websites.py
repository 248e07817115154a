"""The agents' work on the websites consumers name: linking a host to its
company sends it the host's recent reports; a host may also be marked
foreign, or a marketplace (whose sellers are the companies)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from companies.models import Company, Website, WebsiteState
from reports import lifecycle
from signalconso.audit import ActorKind, EventKind, record_event

REATTACH_DAYS = 90


@transaction.atomic
def website_identify(*, website: Website, company: Company, user) -> int:
    """The agents link a host to its company: the reports of the last 90 days
    about it follow (sent to the company). Returns how many were sent."""

    Website.objects.filter(pk=website.pk).update(state=WebsiteState.IDENTIFIED, company=company)
    record_event(
        EventKind.WEBSITE_IDENTIFIED, actor=ActorKind.AGENT, company=company, user=user, details={"host": website.host}
    )
    since = timezone.now() - timedelta(days=REATTACH_DAYS)
    sent = 0
    for report in website.reports.filter(created_at__gte=since, company__isnull=True):
        sent += lifecycle.report_attribute(report=report, company=company, user=user)
    return sent


def website_mark(*, website: Website, state: str, country: str = "", user=None) -> None:
    """A host that is foreign, or a marketplace (its sellers are the companies)."""

    Website.objects.filter(pk=website.pk).update(state=state, country=country[:100])
    record_event(
        EventKind.WEBSITE_MARKED,
        actor=ActorKind.AGENT,
        user=user,
        details={"host": website.host, "state": state, "country": country},
    )
