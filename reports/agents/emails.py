"""The emails to the administration: subscription digests, dangerous products."""

from django.utils.translation import gettext_lazy as _

from notifications.emails import DataEmail, Email, register
from reports.emails import load_report, sample_report
from reports.models import Report, ReportStatus


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
class SubscriptionBroken(DataEmail):
    kind = "agent_subscription_broken"
    template = "agent_subscription_broken"
    subject = _("Votre abonnement « %(name)s » ne peut plus être envoyé")
    audience = "agent"
    description = _(
        "Les filtres d’un abonnement ne sont plus valables : il est suspendu jusqu’à ce qu’il soit refait."
    )
    fields = ("name",)
    sample_data = {"name": "Var, téléphone 01 23 45 67 89"}


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
        return {"report": sample_report(status=ReportStatus.SENT)}
