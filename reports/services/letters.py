"""Letters to companies that have reports waiting and nobody to read them:
each brings a fresh activation code (companies/activation.py). At most three
letters, 28 days apart; agents print them in batches and say when they are
posted."""

from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from companies.activation import activation_code_issue, format_code
from companies.models import ActivationLetter, Company, CompanyAccess, LetterBatch, LetterKind
from reports.models import Report, ReportStatus
from signalconso.audit import ActorKind, EventKind, record_event
from signalconso.pdf import pdf_from_template

LETTER_KINDS = [LetterKind.FIRST, LetterKind.REMINDER, LetterKind.LAST]

LETTERS_AT_MOST = 3

LETTER_INTERVAL = timedelta(days=28)


def _letter(company: Company, kind: str) -> tuple[ActivationLetter, dict]:
    """An unsaved letter with a fresh code, and what its page shows."""
    row, code = activation_code_issue(company=company)
    waiting = Report.objects.filter(company=company, status=ReportStatus.SENT).count()
    letter = ActivationLetter(company=company, kind=kind, code=row, reports_waiting=waiting)
    page = {
        "company": company,
        "kind": kind,
        "code": format_code(code),
        "expires_at": row.expires_at,
        "reports_waiting": waiting,
    }
    return letter, page


@transaction.atomic
def activation_letter_create(*, company: Company, kind: str = LetterKind.FIRST) -> ActivationLetter:
    """A letter for the company with a fresh code, drawn as a PDF and kept."""
    letter, page = _letter(company, kind)
    letter.pdf.save("letter.pdf", ContentFile(letters_pdf([page])), save=False)
    letter.save()
    record_event(
        EventKind.ACTIVATION_LETTER,
        actor=ActorKind.SYSTEM,
        company=company,
        details={"kind": kind, "letter": letter.pk},
    )
    return letter


def companies_to_activate():
    """Companies with reports waiting and no users, due a letter: none sent
    yet, or the last posted more than 28 days × the letters posted ago; at
    most 3 letters. Those with the most reports waiting first."""
    now = timezone.now()
    waiting = Report.objects.filter(company=OuterRef("pk"), status=ReportStatus.SENT)
    reach = Q(company_id=OuterRef("pk"), user__is_active=True) | Q(
        company__siren=OuterRef("siren"), company__is_head_office=True, user__is_active=True
    )
    posted = ActivationLetter.objects.filter(company=OuterRef("pk"), posted_at__isnull=False)
    return (
        Company.objects.filter(Exists(waiting))
        .exclude(Exists(CompanyAccess.objects.filter(reach)))
        .annotate(
            waiting=Subquery(waiting.values("company").annotate(n=Count("pk")).values("n")[:1]),
            sent=Coalesce(Subquery(posted.values("company").annotate(n=Count("pk")).values("n")[:1]), 0),
            last_posted=Subquery(posted.order_by("-posted_at").values("posted_at")[:1]),
        )
        .filter(
            Q(sent=0)
            | Q(sent=1, last_posted__lt=now - LETTER_INTERVAL)
            | Q(sent=2, last_posted__lt=now - 2 * LETTER_INTERVAL)
        )
        .order_by("-waiting", "siret")
    )


@transaction.atomic
def letters_batch_prepare(*, companies, by) -> LetterBatch:
    """One PDF with a letter (and a fresh code) for each company: the first,
    the reminder or the last, after the letters already posted."""
    batch = LetterBatch(created_by=by)
    pages, letters = [], []
    for company in companies:
        sent = ActivationLetter.objects.filter(company=company, posted_at__isnull=False).count()
        if sent >= LETTERS_AT_MOST:
            continue
        letter, page = _letter(company, LETTER_KINDS[sent])
        letters.append(letter)
        pages.append(page)
    batch.pdf.save("courriers.pdf", ContentFile(letters_pdf(pages)), save=False)
    batch.save()
    for letter in letters:
        letter.batch = batch
        letter.save()
        record_event(
            EventKind.ACTIVATION_LETTER,
            actor=ActorKind.AGENT,
            company=letter.company,
            user=by,
            details={"kind": letter.kind, "letter": letter.pk},
        )
    return batch


@transaction.atomic
def letters_batch_posted(*, batch: LetterBatch, by) -> int:
    """The agent confirms the letters went to the post."""
    now = timezone.now()
    if not LetterBatch.objects.filter(pk=batch.pk, posted_at__isnull=True).update(posted_at=now):
        return 0  # confirmed already
    letters = list(batch.letters.select_related("company"))
    ActivationLetter.objects.filter(batch=batch).update(posted_at=now)
    for letter in letters:
        record_event(
            EventKind.ACTIVATION_LETTER_POSTED,
            actor=ActorKind.AGENT,
            company=letter.company,
            user=by,
            details={"kind": letter.kind},
        )
    return len(letters)


def letters_pdf(pages: list[dict]) -> bytes:
    return pdf_from_template(
        "companies/activation_letter.html",
        {"letters": pages, "site_url": settings.SITE_URL, "today": timezone.localdate()},
    )
