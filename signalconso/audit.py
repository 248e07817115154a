"""The audit log: every action of anybody, and every email sent, is one Event.

Every app records what happens through `record_event(EventKind..., actor=...)`,
so the log lives here, below all of them. The agents read a report's history
from it, and a company's.

The model belongs to the reports app, where it was first written: its table
is `reports_event` and its migrations are the reports app's. Only its code
lives here, at the bottom of the project, so that accounts, companies and the
outbox can record their actions without importing the reports app.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    CONSUMER = "consumer", _("Consommateur")
    PRO = "pro", _("Professionnel")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("Système")


class EventKind(models.TextChoices):
    """What happened. The stored codes are the service's own; the labels are
    what a reader of the history sees."""

    REPORT_SUBMITTED = "report_submitted", _("Signalement déposé")
    REPORT_READ = "report_read", _("Signalement lu par l’entreprise")
    REPORT_ANSWERED = "report_answered", _("Réponse de l’entreprise")
    REPORT_CLOSED = "report_closed", _("Signalement clos à l’échéance")
    REPORT_REOPENED = "report_reopened", _("Signalement rouvert")
    REPORT_REATTRIBUTED = "report_reattributed", _("Signalement adressé à une autre entreprise")
    REPORT_ANONYMISED = "report_anonymised", _("Données personnelles effacées")
    REPORT_DELETED = "report_deleted", _("Signalement supprimé")
    REPORT_FORWARDED = "report_forwarded", _("Signalement transmis à une autre autorité")
    COMPANY_ATTRIBUTED = "company_attributed", _("Signalement envoyé à l’entreprise identifiée")
    COMPANY_CHANGED = "company_changed", _("Entreprise du signalement changée")
    REVIEW_GIVEN = "review_given", _("Avis du consommateur")
    ENGAGEMENT_HONOURED = "engagement_honoured", _("Engagement noté comme tenu par l’entreprise")
    ATTACHMENT_INFECTED = "attachment_infected", _("Pièce jointe infectée, supprimée")
    EMAIL_SENT = "email_sent", _("Courriel envoyé")
    COMMENT_ADDED = "comment_added", _("Commentaire d’un agent")
    INSPECTION_RECORDED = "inspection_recorded", _("Contrôle consigné")
    INSPECTION_LAUNCHED = "inspection_launched", _("Contrôle lancé")
    INSPECTION_STARTED = "inspection_started", _("Contrôle commencé")
    INSPECTION_CONCLUDED = "inspection_concluded", _("Contrôle terminé")
    INSPECTION_CANCELLED = "inspection_cancelled", _("Contrôle annulé")
    INSPECTION_CHANGED = "inspection_changed", _("Contrôle modifié")
    TAGS_CHANGED = "tags_changed", _("Mots-clés modifiés")
    WEBSITE_IDENTIFIED = "website_identified", _("Site internet rattaché à l’entreprise")
    WEBSITE_MARKED = "website_marked", _("Site internet qualifié")
    COMPANY_ACTIVATED = "company_activated", _("Espace de l’entreprise activé")
    ACTIVATION_LETTER = "activation_letter", _("Courrier d’activation préparé")
    ACTIVATION_LETTER_POSTED = "activation_letter_posted", _("Courrier d’activation posté")
    LETTERS_DOWNLOADED = "letters_downloaded", _("Courriers d’activation téléchargés")
    ACCESS_GIVEN = "access_given", _("Accès donné à un utilisateur")
    ACCESS_INVITED = "access_invited", _("Invitation à l’espace de l’entreprise")
    ACCESS_CHANGED = "access_changed", _("Niveau d’accès modifié")
    ACCESS_REVOKED = "access_revoked", _("Accès retiré")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation acceptée")
    AGENT_INVITED = "agent_invited", _("Agent invité")
    STAFF_DEACTIVATED = "staff_deactivated", _("Compte de l’administration désactivé faute d’usage")
    EXPORT_DOWNLOADED = "export_downloaded", _("Export téléchargé")


class Event(models.Model):
    """Something that happened to a report or a company: an action of anybody,
    or an email sent. The history the agents read."""

    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    company = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    actor = models.CharField(_("acteur"), max_length=10, choices=ActorKind.choices)
    action = models.CharField(_("action"), max_length=50)
    details = models.JSONField(_("détails"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        app_label = "reports"
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        indexes = [models.Index(fields=["report", "created_at"], name="event_report_created")]

    def __str__(self) -> str:
        return f"{self.action} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def label(self) -> str:
        """What happened, in words; the code itself for a kind no longer known."""
        try:
            return str(EventKind(self.action).label)
        except ValueError:
            return self.action


def record_event(
    kind: EventKind,
    *,
    actor: ActorKind,
    report=None,
    company=None,
    user=None,
    details: dict | None = None,
    report_id: int | None = None,
    company_id: int | None = None,
    user_id: int | None = None,
) -> Event:
    """Writes one entry of the log, in the caller's transaction. An event
    about a report is also one about its company unless `company` is given.
    The ids stand for the objects when only they are at hand (the outbox)."""
    if report is not None:
        report_id = report.pk
        company_id = company_id or report.company_id
    if company is not None:
        company_id = company.pk
    if user is not None:
        user_id = user.pk if user.is_authenticated else None
    return Event.objects.create(
        report_id=report_id,
        company_id=company_id,
        user_id=user_id,
        actor=actor,
        action=EventKind(kind).value,
        details=details or {},
    )
