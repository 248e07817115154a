"""The world of tests/test_permissions.py: one SIREN with a head office and two
establishments, another company, a company without users, the reports and
files of every kind, and the cast of users who try every URL.

The report everything turns on (`report`) is about establishment `e1`; the
sibling establishment `e2` and the head office `head_office` share its SIREN.
Users have unusable passwords except where a password is needed (the test
module makes hashing cheap)."""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.core import signing
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Invitation, Role, TOTPDevice
from accounts.services import EMAIL_CHANGE_SALT, _token_hash
from companies.activation import activation_code_issue
from companies.models import AccessLevel, ActivationLetter, LetterBatch, Website
from inspections.lifecycle import inspection_launch
from notifications.models import Subscription
from reports.models import (
    Attachment,
    Authority,
    BlockedEmail,
    Comment,
    Export,
    ExportStatus,
    ReportStatus,
    Response,
    ResponseKind,
    SavedSearch,
    ScanState,
    Tag,
)
from reports.pro.activation import ACTIVATION_SALT
from reports.wizard.links import follow_up_token, reattribution_token, review_token
from signalconso.audit import ActorKind

from .accounts.factories import UserFactory
from .companies.factories import CompanyFactory, fixed_siren, siret_for
from .reports.factories import CategoryFactory, ReportFactory, company_user

# The cast, in the order of the matrix's columns.
CAST = (
    "anon",  # nobody signed in
    "link",  # the consumer: nobody signed in, with the signed links of the emails
    "member",  # a member of the report's company (establishment e1)
    "pro_admin",  # an administrator of the report's company
    "sibling",  # a user of e2, another establishment of the same SIREN (not the head office)
    "head",  # a user of the head office: every establishment of the SIREN
    "other_pro",  # a user of a company of another SIREN
    "agent",
    "food",  # a food-safety agent: reports tagged alimentation or hygiene only
    "ro_admin",  # a read-only administrator
    "admin",
)
ANONYMOUS = ("anon", "link")
PROS = ("member", "pro_admin", "sibling", "head", "other_pro")
STAFF = ("agent", "food", "ro_admin", "admin")

PASSWORD = "un-mot-de-passe-solide-42"
PDF = b"%PDF-1.4\n%%EOF\n"


def _file(report, origin, *, state=ScanState.CLEAN, name="piece.pdf", comment=None, user=None):
    attachment = Attachment(
        report=report,
        origin=origin,
        comment=comment,
        uploaded_by=user,
        name=name,
        extension="pdf",
        content_type="application/pdf",
        size=len(PDF),
        scan_state=state,
        scanned_at=timezone.now() if state != ScanState.PENDING else None,
    )
    if state != ScanState.INFECTED:  # an infected file is deleted from the storage
        attachment.file.save("x.pdf", ContentFile(PDF), save=False)
    attachment.save()
    return attachment


@dataclass
class World:
    users: dict = field(default_factory=dict)

    def user(self, who: str):
        return self.users.get(who)


def build_world() -> World:
    w = World()
    now = timezone.now()
    siren = fixed_siren(900)
    w.head_office = CompanyFactory(siren=siren, siret=siret_for(siren, 1), is_head_office=True)
    w.e1 = CompanyFactory(siren=siren, siret=siret_for(siren, 2), is_head_office=False, legal_name="ÉTABLISSEMENT UN")
    w.e2 = CompanyFactory(
        siren=siren, siret=siret_for(siren, 3), is_head_office=False, legal_name="ÉTABLISSEMENT DEUX"
    )
    w.other = CompanyFactory(legal_name="AUTRE ENTREPRISE")
    w.without_users = CompanyFactory(legal_name="SANS COMPTE", email="contact@sans-compte.example.fr")

    w.users = {
        "anon": None,
        "link": None,
        "member": company_user(w.e1, level=AccessLevel.MEMBER),
        "pro_admin": company_user(w.e1, level=AccessLevel.ADMIN),
        "sibling": company_user(w.e2),
        "head": company_user(w.head_office),
        "other_pro": company_user(w.other),
        "agent": UserFactory(agent=True),
        "food": UserFactory(food_safety_agent=True),
        "ro_admin": UserFactory(readonly_admin=True),
        "admin": UserFactory(admin=True),
    }
    w.member_access = w.e1.accesses.get(user=w.users["member"])

    w.category = CategoryFactory()
    w.food_tag = Tag.objects.create(slug="alimentation", label_fr="Alimentation")
    Tag.objects.create(slug="hygiene", label_fr="Hygiène")

    # The report of the matrix: read by its company, not answered, with a
    # file of every origin and two that must never be served.
    w.report = ReportFactory(company=w.e1, read=True)
    w.consumer_file = _file(w.report, ActorKind.CONSUMER, name="ticket.pdf")
    w.pro_file = _file(w.report, ActorKind.PRO, name="facture.pdf", user=w.users["member"])
    w.comment = Comment.objects.create(report=w.report, user=w.users["agent"], text="Contrôle à prévoir.")
    w.agent_file = _file(w.report, ActorKind.AGENT, name="note-interne.pdf", comment=w.comment, user=w.users["agent"])
    w.pending_file = _file(w.report, ActorKind.CONSUMER, state=ScanState.PENDING, name="pas-encore-analyse.pdf")
    w.infected_file = _file(w.report, ActorKind.CONSUMER, state=ScanState.INFECTED, name="virus.pdf")

    # Answered with an engagement: the consumer may rate it, the company says it is kept.
    w.promised = ReportFactory(company=w.e1, status=ReportStatus.PROMISED, read_at=now)
    Response.objects.create(
        report=w.promised,
        kind=ResponseKind.ACCEPTED,
        reason="remboursement",
        message="Nous vous remboursons.",
        engagement_due_at=now - timedelta(days=1),
    )
    # "Not concerned": the consumer may send it to another company.
    w.not_concerned = ReportFactory(company=w.e1, status=ReportStatus.NOT_CONCERNED, read_at=now)
    Response.objects.create(
        report=w.not_concerned, kind=ResponseKind.NOT_CONCERNED, reason="autre-entreprise", message="Pas nous."
    )
    # Closed by its deadline after being read: an administrator may reopen it.
    w.closed = ReportFactory(
        company=w.e1,
        status=ReportStatus.CLOSED_UNANSWERED,
        read_at=now - timedelta(days=30),
        expires_at=now - timedelta(days=1),
        closed_at=now - timedelta(days=1),
    )
    # Tagged food: the one kind a food-safety agent reads.
    w.food_report = ReportFactory(company=w.e1, read=True)
    w.food_report.tags.add(w.food_tag)
    w.food_file = _file(w.food_report, ActorKind.CONSUMER, name="photo-plat.pdf")
    # Kept from the company (NA): no company user ever sees it, even of its own company.
    w.kept = ReportFactory(company=w.e1, status=ReportStatus.NOT_SENT, expires_at=None)
    w.kept_file = _file(w.kept, ActorKind.CONSUMER, name="kept.pdf")
    # Waiting for a company nobody can read it for: a letter is due.
    w.waiting = ReportFactory(company=w.without_users)

    w.tokens = {
        "follow_up": follow_up_token(w.report),
        "review": review_token(w.promised, "answer"),
        "reattribution": reattribution_token(w.not_concerned),
    }

    # The agent's own things, and one of the administrator's.
    agent, admin = w.users["agent"], w.users["admin"]
    w.saved_search = SavedSearch.objects.create(user=agent, name="Var", query="departements=83")
    w.subscription = Subscription.objects.create(
        user=agent, email="", name="Var", filters={"departements": ["83"]}, last_sent_until=now
    )
    w.export = _export(agent)
    w.admin_export = _export(admin)

    w.authority = Authority.objects.create(name="Direction départementale de la protection des populations")
    w.website = Website.objects.create(host="boutique-inconnue.example.fr")
    w.batch = LetterBatch.objects.create(created_by=agent)
    w.batch.pdf.save("courriers.pdf", ContentFile(PDF))
    code_row, w.activation_code = activation_code_issue(company=w.without_users)
    ActivationLetter.objects.create(company=w.without_users, batch=w.batch, kind="first", code=code_row)
    w.activation_token = signing.dumps(
        {"code": code_row.pk, "email": "gerant@sans-compte.example.fr"}, salt=ACTIVATION_SALT
    )

    w.invitation_token = "jeton-d-invitation-" + uuid.uuid4().hex
    w.invitation = Invitation.objects.create(
        email="collegue-invitee@example.fr",
        role=Role.PRO,
        company=w.e1,
        level=AccessLevel.MEMBER,
        token_hash=_token_hash(w.invitation_token),
        invited_by=w.users["pro_admin"],
        expires_at=now + timedelta(days=60),
    )
    member = w.users["member"]
    w.email_change_token = signing.dumps(
        {"user": member.pk, "email": "membre-nouvelle@example.fr", "old": member.email}, salt=EMAIL_CHANGE_SALT
    )
    TOTPDevice.objects.create(user=agent, secret="JBSWY3DPEHPK3PXP", confirmed_at=now)
    # Inspections of e1: one from a report that is not about food, one from the food report.
    w.inspection = inspection_launch(company=w.e1, user=agent, planned_on=now.date(), reports=[w.report])
    w.food_inspection = inspection_launch(company=w.e1, user=agent, planned_on=now.date(), reports=[w.food_report])
    BlockedEmail.objects.create(email="spam@example.fr")
    return w


def _export(user) -> Export:
    export = Export.objects.create(
        user=user, kind="xlsx", status=ExportStatus.DONE, rows=1, finished_at=timezone.now()
    )
    export.file.save("export.xlsx", ContentFile(b"PK\x03\x04 not really a workbook"))
    return export
