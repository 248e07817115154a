"""The emails about reports: to the consumer (in the report's language), to
the company's users, and to the agents."""

from datetime import timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.emails import load_user, sample_user
from companies.emails import load_company, sample_company
from notifications.emails import DataEmail, Email, EmailGone, register, site_link

from .models import Report, Response, ResponseKind, ReviewAbout
from .receipts import follow_up_token, reattribution_token, receipt_filename, receipt_pdf, review_token


def load_report(data: dict) -> Report:
    report = Report.objects.select_related("company").filter(pk=data.get("report")).first()
    if report is None:
        raise EmailGone(f"report {data.get('report')}")
    return report


def sample_report(**fields) -> Report:
    now = timezone.now()
    values = {
        "pk": 0,
        "reference": "SC-26-EXEMPL",
        "created_at": now - timedelta(days=3),
        "language": translation.get_language() or "fr",
        "status": "TraitementEnCours",
        "expires_at": now + timedelta(days=22),
        "category_path": ["Un achat en magasin", "Le prix affiché n’est pas celui payé en caisse"],
        "company": sample_company(),
        "company_name": "SUPER PRIX",
        "company_siret": "73282932000074",
        "occurred_on": (now - timedelta(days=4)).date(),
        "description": "Le prix affiché en rayon était de 3 €, j’ai payé 5 € en caisse.",
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille.martin@example.fr",
        "share_identity": True,
    }
    values.update(fields)
    return Report(**values)


def sample_response(report: Report, kind: str = ResponseKind.ACCEPTED) -> Response:
    return Response(
        report=report,
        kind=kind,
        reason="remboursement" if kind == ResponseKind.ACCEPTED else "autre",
        message="Nous avons corrigé l’étiquette en rayon et vous remboursons la différence.",
        created_at=timezone.now(),
        engagement_due_at=timezone.now() + timedelta(days=21),
    )


def _consumer_links(report: Report) -> dict:
    return {"follow_up_url": site_link("reports:follow_up", follow_up_token(report), language=report.language)}


def _pro_links(report: Report | None = None) -> dict:
    """The report's page in the companies' space (its login page first when
    signed out), or the list of reports."""
    if report is not None:
        return {"pro_url": site_link("pro:report", report.reference)}
    return {"pro_url": site_link("pro:reports")}


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
        return {"goes_to_company": report.status != "NA"}

    def attachments(self, context):
        report = context["report"]
        if not report.pk:
            return []  # a preview draws no PDF
        return [(receipt_filename(report), receipt_pdf(report), "application/pdf")]


@register
class ReportRead(ReportEmail):
    kind = "consumer_report_read"
    template = "consumer_report_read"
    subject = _("Votre signalement %(reference)s a été lu par l’entreprise")
    description = _("L’entreprise a ouvert le signalement pour la première fois.")

    def sample_report(self):
        return sample_report(status="Transmis", read_at=timezone.now())


@register
class ReportAnswered(ReportEmail):
    kind = "consumer_report_answered"
    template = "consumer_report_answered"
    subject = _("L’entreprise a répondu à votre signalement %(reference)s")
    description = _("La réponse de l’entreprise, avec le lien pour la noter.")

    def sample_report(self):
        return sample_report(status="PromesseAction")

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
        return sample_report(status="PromesseAction")

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
        return sample_report(status="NonConsulte")


@register
class ClosedUnanswered(ReportEmail):
    kind = "consumer_closed_unanswered"
    template = "consumer_closed_unanswered"
    subject = _("Votre signalement %(reference)s est clos : l’entreprise n’a pas répondu")
    description = _("Le délai est passé : l’entreprise a lu le signalement sans y répondre.")

    def sample_report(self):
        return sample_report(status="ConsulteIgnore")


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


class ProReportEmail(Email):
    """An email to one professional about one report of their company."""

    audience = "pro"

    def context(self, data):
        report = load_report(data)
        return {"report": report, "user": load_user(data), **_pro_links(report)}

    def sample(self):
        report = sample_report()
        return {"report": report, "user": sample_user(), **_pro_links(report)}


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
        return {"company": load_company(data), "user": load_user(data), "reports": reports, **_pro_links()}

    def sample(self):
        reports = [sample_report(reference=f"SC-26-EXEMP{n}") for n in range(1, 4)]
        return {"company": sample_company(), "user": sample_user(), "reports": reports, **_pro_links()}


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
        context["report"].status = "Transmis"
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


@register
class AgentDigest(Email):
    kind = "agent_digest"
    template = "agent_digest"
    subject = _("%(count)s nouveaux signalements pour votre abonnement « %(name)s »")
    audience = "agent"
    description = _("Le résumé quotidien ou hebdomadaire d’un abonnement.")

    def subject_values(self, context):
        return {"count": len(context["reports"]), "name": context["name"]}

    def context(self, data):
        reports = list(Report.objects.filter(pk__in=data["reports"]).order_by("-created_at"))
        return {"name": data["name"], "reports": reports, "period": data.get("period", "daily")}

    def sample(self):
        reports = [sample_report(reference=f"SC-26-EXEMP{n}") for n in range(1, 4)]
        return {"name": "Bouches-du-Rhône, produits dangereux", "reports": reports, "period": "daily"}


@register
class DangerousProduct(Email):
    kind = "agent_dangerous_product"
    template = "agent_dangerous_product"
    subject = _("Produit dangereux signalé : %(reference)s (%(company)s)")
    audience = "agent"
    description = _("Alerte immédiate au service du département de l’entreprise.")

    def context(self, data):
        return {"report": load_report(data)}

    def sample(self):
        return {"report": sample_report(status="TraitementEnCours")}
