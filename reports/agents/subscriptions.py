"""The agents' standing searches: the new reports matching each are emailed
daily, or on Mondays."""

import hashlib
import json
import logging

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from notifications.models import Frequency, Subscription
from notifications.services import email_queue
from reports.agents.forms import InvalidFilters, search_filters
from reports.search import ReportFilters, reports_search
from signalconso.locks import job_lock

logger = logging.getLogger(__name__)


def subscription_filters(subscription) -> ReportFilters | None:
    """The search a subscription stands for (kept as the search page's
    fields), or None when its filters no longer hold."""
    query = QueryDict(mutable=True)
    for key, values in (subscription.filters or {}).items():
        query.setlist(key, values if isinstance(values, list) else [values])
    try:
        return search_filters(query)
    except InvalidFilters:
        return None


def send_subscription_digests() -> int:
    """Each subscription due today (daily, or weekly on Monday) gets the new
    reports matching its filters since its last digest, if any. One that no
    longer holds (filters the search now refuses, an error) is skipped and
    its owner told once; the others go out."""
    with job_lock("send-subscription-digests") as taken:
        if not taken:
            return 0
        now = timezone.now()
        due = Subscription.objects.select_related("user")
        if timezone.localdate(now).weekday() != 0:
            due = due.filter(frequency=Frequency.DAILY)
        sent = 0
        for subscription in due.iterator():
            owner = subscription.user
            if owner is None or not owner.is_active:
                continue
            try:
                sent += _send_digest(subscription, owner, now)
            except Exception:
                logger.exception("subscription %s skipped", subscription.pk)
                _tell_broken(subscription, owner)
        return sent


def _send_digest(subscription: Subscription, owner, now) -> int:
    filters = subscription_filters(subscription)
    if filters is None:
        logger.warning("subscription %s skipped: its filters no longer hold", subscription.pk)
        _tell_broken(subscription, owner)
        return 0
    since = subscription.last_sent_until or subscription.created_at
    reports = list(
        reports_search(owner, filters)
        .filter(created_at__gt=since, created_at__lte=now)
        .values_list("pk", flat=True)[:500]
    )
    with transaction.atomic():
        updated = Subscription.objects.filter(pk=subscription.pk, last_sent_until=subscription.last_sent_until).update(
            last_sent_until=now
        )
        if not updated or not reports:
            return 0
        email_queue(
            "agent_digest",
            to=subscription.recipient,
            data={"name": subscription.name, "reports": reports, "period": subscription.frequency},
            user=owner,
            # Keyed by the start of its period: a second run sends the rest.
            dedupe_key=f"digest:{subscription.pk}:{since.isoformat()}",
        )
    return 1


def _tell_broken(subscription: Subscription, owner) -> None:
    """Once for the subscription as it is: changing it makes it new."""
    state = hashlib.sha256(json.dumps(subscription.filters, sort_keys=True).encode()).hexdigest()[:16]
    with transaction.atomic():
        email_queue(
            "agent_subscription_broken",
            to=owner.email,
            data={"name": subscription.name},
            user=owner,
            dedupe_key=f"subscription-broken:{subscription.pk}:{state}",
        )
