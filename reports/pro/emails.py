"""The emails to the company's users about their reports."""

from django.utils.translation import gettext_lazy as _

from accounts.emails import load_user, sample_user
from companies.emails import load_company, sample_company
from notifications.emails import Email, EmailGone, register
from reports.emails import load_report, pro_links, sample_report, sample_response
from reports.models import Report, ReportStatus


class ProReportEmail(Email):
    """An email to one professional about one report of their company."""

    audience = "pro"

    def context(self, data):
        report = load_report(data)
        return {"report": report, "user": load_user(data), **pro_links(report)}

    def sample(self):
        report = sample_report()
        return {"report": report, "user": sample_user(), **pro_links(report)}


@register
class NewReport(ProReportEmail):
    kind = "pro_new_report"
    template = "pro_new_report"
    subject = _("Nouveau signalement sur %(company)s")
    description = _("Un nouveau signalement arrive (sauf aux utilisateurs qui l’ont désactivé).")


@register
class NewReportsDigest(Email):
    kind = "pro_new_reports_digest"
    template = "pro_new_reports_digest"
    subject = _("%(count)s nouveaux signalements sur %(company)s")
    audience = "pro"
    description = _(
        "Au-delà de 10 signalements en une heure pour une entreprise, les suivants sont regroupés en un seul courriel."
    )

    def subject_values(self, context):
        return {"count": len(context["reports"]), "company": context["company"].name}

    def context(self, data):
        reports = list(Report.objects.filter(pk__in=data["reports"]).order_by("created_at"))
        return {"company": load_company(data), "user": load_user(data), "reports": reports, **pro_links()}

    def sample(self):
        reports = [sample_report(reference=f"SC-26-EXEMP{n}") for n in range(1, 4)]
        return {"company": sample_company(), "user": sample_user(), "reports": reports, **pro_links()}


@register
class ReminderUnread(ProReportEmail):
    kind = "pro_reminder_unread"
    template = "pro_reminder_unread"
    subject = _("Rappel : un signalement sur %(company)s attend votre lecture")
    description = _("Relance (deux au plus, à 7 jours d’écart) d’un signalement pas encore lu.")


@register
class ReminderUnanswered(ProReportEmail):
    kind = "pro_reminder_unanswered"
    template = "pro_reminder_unanswered"
    subject = _("Rappel : un signalement sur %(company)s attend votre réponse")
    description = _("Relance d’un signalement lu mais sans réponse.")

    def sample(self):
        context = super().sample()
        context["report"].status = ReportStatus.READ
        return context


@register
class LastChance(ProReportEmail):
    kind = "pro_last_chance"
    template = "pro_last_chance"
    subject = _("Dernier jour pour répondre au signalement %(reference)s")
    description = _("La veille de la clôture d’un signalement sans réponse.")


@register
class AnswerAcknowledgement(ProReportEmail):
    kind = "pro_answer_acknowledgement"
    template = "pro_answer_acknowledgement"
    subject = _("Votre réponse au signalement %(reference)s est envoyée")
    description = _("Confirme à l’entreprise que sa réponse est partie.")

    def context(self, data):
        context = super().context(data)
        context["response"] = getattr(context["report"], "response", None)
        if context["response"] is None:
            raise EmailGone("no response")
        return context

    def sample(self):
        context = super().sample()
        context["response"] = sample_response(context["report"])
        return context


@register
class ReportReopened(ProReportEmail):
    kind = "pro_report_reopened"
    template = "pro_report_reopened"
    subject = _("Le signalement %(reference)s est rouvert : vous avez 3 jours")
    description = _("Un administrateur a rouvert un signalement clos par le délai.")
