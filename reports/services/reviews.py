"""After the company's answer: the consumer's review of it, and the company
saying it kept its engagement."""

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from reports.models import (
    Report,
    Response,
    ResponseKind,
    Review,
    ReviewAbout,
)
from signalconso.audit import ActorKind, EventKind, record_event
from signalconso.refusals import Refused


class ReviewRefused(Refused):
    """The consumer's review cannot be recorded."""


@transaction.atomic
def review_create(*, report: Report, about: str, rating: str, comment: str = "") -> Review:
    """The consumer's opinion of the answer or of the engagement, given once."""
    response = Response.objects.filter(report=report).first()
    if response is None:
        raise ReviewRefused(_("L’entreprise n’a pas encore répondu à ce signalement."))
    if about == ReviewAbout.ENGAGEMENT:
        if response.kind != ResponseKind.ACCEPTED:
            raise ReviewRefused(_("L’entreprise n’a pris aucun engagement dans sa réponse."))
        if response.engagement_due_at > timezone.now():
            raise ReviewRefused(
                _("Vous pourrez dire si l’engagement est tenu à partir du %(date)s.")
                % {"date": formats.date_format(timezone.localtime(response.engagement_due_at))}
            )
    try:
        with transaction.atomic():
            review = Review.objects.create(report=report, about=about, rating=rating, comment=(comment or "").strip())
    except IntegrityError:
        raise ReviewRefused(_("Vous avez déjà donné votre avis : merci.")) from None
    record_event(
        EventKind.REVIEW_GIVEN, actor=ActorKind.CONSUMER, report=report, details={"about": about, "rating": rating}
    )
    return review


@transaction.atomic
def engagement_mark_honoured(*, response: Response, user) -> bool:
    """The company says it kept its engagement; returns whether this was news."""
    if not Response.objects.filter(pk=response.pk, engagement_honoured_at__isnull=True).update(
        engagement_honoured_at=timezone.now()
    ):
        return False
    record_event(EventKind.ENGAGEMENT_HONOURED, actor=ActorKind.PRO, report=response.report, user=user)
    return True
