"""The agents' actions on a report: comments, bookmarks, tags,
forwarding to another authority; an administrator's change of company and
deletion of spam."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from companies.models import Company
from notifications.models import Subscription
from reports import lifecycle
from reports.files.checks import stored_files_delete
from reports.models import (
    Attachment,
    Bookmark,
    Comment,
    Report,
    Response,
    SavedSearch,
    ScanState,
    Tag,
)
from signalconso.audit import ActorKind, EventKind, record_event
from signalconso.refusals import Refused


class ActionRefused(Refused):
    """An agent's action refused."""


@transaction.atomic
def comment_add(*, report: Report, user, text: str, attachments=()) -> "Comment":
    comment = Comment.objects.create(report=report, user=user, text=text.strip())
    files = Attachment.objects.filter(
        pk__in=[a.pk for a in attachments], report__isnull=True, origin=ActorKind.AGENT
    ).exclude(scan_state=ScanState.INFECTED)
    count = files.update(report=report, comment=comment)
    record_event(
        EventKind.COMMENT_ADDED,
        actor=ActorKind.AGENT,
        report=report,
        user=user,
        details={"comment": comment.pk, "files": count},
    )
    return comment


def bookmark_toggle(*, report: Report, user) -> bool:
    """Returns whether the report is now bookmarked."""
    deleted, _rows = Bookmark.objects.filter(report=report, user=user).delete()
    if deleted:
        return False
    Bookmark.objects.get_or_create(report=report, user=user)
    return True


@transaction.atomic
def report_tags_set(*, report: Report, user, slugs: list[str]) -> None:
    before = set(report.tags.values_list("slug", flat=True))
    report.tags.set(Tag.objects.filter(slug__in=slugs))
    after = set(slugs)
    if before != after:
        record_event(
            EventKind.TAGS_CHANGED,
            actor=ActorKind.AGENT,
            report=report,
            user=user,
            details={"added": sorted(after - before), "removed": sorted(before - after)},
        )


@transaction.atomic
def report_forward(*, report: Report, user, authority, note: str) -> None:
    """Records that the report went to another authority (the agent sends it
    through that authority's own channel)."""
    record_event(
        EventKind.REPORT_FORWARDED,
        actor=ActorKind.AGENT,
        report=report,
        user=user,
        details={"authority": authority.name, "authority_id": authority.pk, "note": note.strip()},
    )


CHANGE_COMPANY_DAYS = 90


@transaction.atomic
def report_change_company(*, report: Report, user, company: Company) -> None:
    """An administrator points the report at another company: within 90 days
    of filing and before any answer. Its deadline starts again."""
    if user.role != Role.ADMIN:
        raise ActionRefused(_("Seul un administrateur peut changer l’entreprise."))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if Response.objects.filter(report=report).exists():
        raise ActionRefused(_("L’entreprise a déjà répondu : l’entreprise ne peut plus changer."))
    if timezone.now() - report.created_at > timedelta(days=CHANGE_COMPANY_DAYS):
        raise ActionRefused(
            _("Le signalement a plus de %(days)s jours : l’entreprise ne peut plus changer.")
            % {"days": CHANGE_COMPANY_DAYS}
        )
    before = report.company_siret
    lifecycle.report_redirect(report=report, company=company)
    record_event(
        EventKind.COMPANY_CHANGED,
        actor=ActorKind.AGENT,
        report=report,
        user=user,
        details={"before": before, "after": company.siret},
    )


@transaction.atomic
def report_delete_spam(*, report: Report, user) -> None:
    """An administrator deletes a report that is not one (spam, abuse): the
    row, its files in the storage; an event on the company keeps the trace."""
    if user.role != Role.ADMIN:
        raise ActionRefused(_("Seul un administrateur peut supprimer un signalement."))
    names = [a.file.name for a in report.attachments.all() if a.file.name]
    record_event(
        EventKind.REPORT_DELETED,
        actor=ActorKind.AGENT,
        company_id=report.company_id,
        user=user,
        details={"reference": report.reference},
    )
    report.delete()
    transaction.on_commit(lambda: stored_files_delete(names))


# --- The agent's own searches -----------------------------------------------------------


def saved_search_create(*, user, name: str, query: str) -> SavedSearch:
    return SavedSearch.objects.create(user=user, name=name, query=query[:2000])


def saved_search_forget(*, user, pk: int) -> bool:
    """Returns whether the user had that saved search."""
    return SavedSearch.objects.filter(pk=pk, user=user).delete()[0] > 0


def subscription_create(*, user, name: str, frequency: str, email: str, filters: dict) -> Subscription:
    """A standing search (`filters` as the search page's query, each key a
    list): its first digest lists the reports filed from now on."""
    return Subscription.objects.create(
        user=user, email=email, name=name, frequency=frequency, filters=filters, last_sent_until=timezone.now()
    )


def subscription_delete(*, user, pk: int) -> bool:
    return Subscription.objects.filter(pk=pk, user=user).delete()[0] > 0
