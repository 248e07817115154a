"""The emails consumers get, in their report's language."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.emails import DataEmail, Email, EmailGone, register, site_link
from reports.emails import load_report, sample_report, sample_response
from reports.models import Report, ReportStatus, ResponseKind, ReviewAbout
from reports.wizard.links import follow_up_token, reattribution_token, review_token
from reports.wizard.receipts import receipt_filename, receipt_pdf


def _consumer_links(report: Report) -> dict:
    return {"follow_up_url": site_link("reports:follow_up", follow_up_token(report), language=report.language)}


@register
class VerificationCode(DataEmail):
    kind = "consumer_verification_code"
    template = "consumer_verification_code"
    subject = _("Votre code SignalConso : %(code)s")
    audience = "consumer"
    description = _("Le code qui confirme l’adresse du consommateur.")
    secrets = ("code",)
    fields = ("code",)
    sample_data = {"code": "482913"}


class ReportEmail(Email):
    """An email about one report, to its consumer, in the report's language."""

    audience = "consumer"

    def context(self, data):
        report = load_report(data)
        return {"report": report, **_consumer_links(report), **self.extra_context(report)}

    def sample(self):
        report = self.sample_report()
        return {
            "report": report,
            **_consumer_links(report),
            **self.extra_context(report, sample=True),
        }

    def sample_report(self) -> Report:
        return sample_report()

    def extra_context(self, report: Report, sample: bool = False) -> dict:
        return {}


@register
class Acknowledgement(ReportEmail):
    kind = "consumer_acknowledgement"
    template = "consumer_acknowledgement"
    subject = _("Votre signalement %(reference)s est enregistré")
    description = _("L’accusé de réception, avec le récapitulatif en PDF.")

    def extra_context(self, report, sample=False):
        return {"goes_to_company": report.status != ReportStatus.NOT_SENT}

    def attachments(self, context):
        report = context["report"]
        if not report.pk:
            return []  # a preview draws no PDF
        return [(receipt_filename(report), receipt_pdf(report), "application/pdf")]


@register
class InspectionFollowedUp(ReportEmail):
    """Sent only when INSPECTION_TELL_CONSUMERS is set (inspections.lifecycle):
    nothing of the inspection itself, only that the report was followed up."""

    kind = "consumer_inspection_followed_up"
    template = "consumer_inspection_followed_up"
    subject = _("Des suites ont été données à votre signalement %(reference)s")
    description = _("Un contrôle lancé à partir du signalement est terminé (si le réglage le prévoit).")


@register
class ReportRead(ReportEmail):
    kind = "consumer_report_read"
    template = "consumer_report_read"
    subject = _("Votre signalement %(reference)s a été lu par l’entreprise")
    description = _("L’entreprise a ouvert le signalement pour la première fois.")

    def sample_report(self):
        return sample_report(status=ReportStatus.READ, read_at=timezone.now())


@register
class ReportAnswered(ReportEmail):
    kind = "consumer_report_answered"
    template = "consumer_report_answered"
    subject = _("L’entreprise a répondu à votre signalement %(reference)s")
    description = _("La réponse de l’entreprise, avec le lien pour la noter.")

    def sample_report(self):
        return sample_report(status=ReportStatus.PROMISED)

    def extra_context(self, report, sample=False):
        response = sample_response(report) if sample else getattr(report, "response", None)
        if response is None:
            raise EmailGone(f"no response to {report.reference}")
        context = {
            "response": response,
            "review_url": site_link(
                "reports:review", review_token(report, ReviewAbout.ANSWER), language=report.language
            ),
        }
        if response.kind == ResponseKind.NOT_CONCERNED:
            context["reattribution_url"] = site_link(
                "reports:reattribute", reattribution_token(report), language=report.language
            )
        return context


@register
class EngagementReview(ReportEmail):
    kind = "consumer_engagement_review"
    template = "consumer_engagement_review"
    subject = _("L’entreprise a-t-elle tenu son engagement ? (signalement %(reference)s)")
    description = _("21 jours après une réponse où l’entreprise s’engage, l’avis du consommateur.")

    def sample_report(self):
        return sample_report(status=ReportStatus.PROMISED)

    def extra_context(self, report, sample=False):
        response = sample_response(report) if sample else getattr(report, "response", None)
        if response is None:
            raise EmailGone(f"no response to {report.reference}")
        return {
            "response": response,
            "review_url": site_link(
                "reports:review",
                review_token(report, ReviewAbout.ENGAGEMENT),
                language=report.language,
            ),
        }


@register
class ClosedUnread(ReportEmail):
    kind = "consumer_closed_unread"
    template = "consumer_closed_unread"
    subject = _("Votre signalement %(reference)s est clos : l’entreprise ne l’a pas lu")
    description = _("Le délai est passé sans que l’entreprise lise le signalement.")

    def sample_report(self):
        return sample_report(status=ReportStatus.CLOSED_UNREAD)


@register
class ClosedUnanswered(ReportEmail):
    kind = "consumer_closed_unanswered"
    template = "consumer_closed_unanswered"
    subject = _("Votre signalement %(reference)s est clos : l’entreprise n’a pas répondu")
    description = _("Le délai est passé : l’entreprise a lu le signalement sans y répondre.")

    def sample_report(self):
        return sample_report(status=ReportStatus.CLOSED_UNANSWERED)


@register
class Anonymised(DataEmail):
    kind = "consumer_anonymised"
    template = "consumer_anonymised"
    subject = _("Vos données du signalement %(reference)s sont effacées")
    audience = "consumer"
    description = _("La confirmation de l’effacement des données personnelles, à la demande.")
    forget_recipients = True
    fields = ("reference",)
    sample_data = {"reference": "SC-26-EXEMPL"}


@register
class FollowUpLink(ReportEmail):
    kind = "consumer_follow_up_link"
    template = "consumer_follow_up_link"
    subject = _("Votre nouveau lien de suivi du signalement %(reference)s")
    description = _("Un lien de suivi neuf, quand le précédent a expiré (valable un an).")
    secrets = ("token",)

    def context(self, data):
        context = super().context(data)
        return {
            **context,
            "follow_up_url": site_link("reports:follow_up", data["token"], language=context["report"].language),
        }
