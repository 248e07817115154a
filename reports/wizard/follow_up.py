"""After sending: the consumer's follow-up page (from the link of every email),
the review of the company's answer, the re-attribution to another company,
the receipt and the report's files."""

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from companies.forms import SiretForm
from reports import lifecycle
from reports.files.views import attachment_response
from reports.models import Response, ReviewAbout, ScanState
from reports.selectors import report_timeline
from reports.services.filing import ReportRefused
from reports.services.reattribution import reattribution_refusal, report_reattribute
from reports.services.reviews import ReviewRefused, review_create
from reports.wizard import forms
from reports.wizard.links import (
    Link,
    follow_up_link,
    follow_up_token,
    reattribution_link,
    reattribution_token,
    review_link,
    review_token,
)
from reports.wizard.receipts import receipt_filename, receipt_pdf
from reports.wizard.renewal import follow_up_link_send
from signalconso.audit import ActorKind
from signalconso.forms import posted
from signalconso.ratelimit import client_ip, is_rate_limited

# What a consumer reads about each status, and which events of the history
# they see (the administration's own actions are not theirs to read).
CONSUMER_EVENTS = {
    "report_submitted": gettext_lazy("Vous avez déposé votre signalement."),
    "report_read": gettext_lazy("L’entreprise a lu votre signalement."),
    "report_answered": gettext_lazy("L’entreprise a répondu."),
    "report_closed": gettext_lazy("Le délai de l’entreprise est passé : le signalement est clos."),
    "report_reopened": gettext_lazy("L’administration a rouvert le signalement pour 3 jours."),
    "review_given": gettext_lazy("Vous avez donné votre avis."),
    "report_reattributed": gettext_lazy("Vous l’avez adressé à une autre entreprise."),
}


class LinkExpired(Exception):
    def __init__(self, report):
        self.report = report


def _report_or_404(link: Link):
    """The report of a link; a 404 for a forged one or an anonymised report,
    LinkExpired for one past its day."""
    if link.report is None:
        raise Http404
    if link.expired:
        raise LinkExpired(link.report)
    return link.report


def _expired(request, report) -> HttpResponse:
    """An expired link: its report's owner may get a new one."""
    context = {"report": report, "token": follow_up_token(report)}
    return render(request, "reports/link_expired.html", context, status=410)


def expiring(view):
    """Answers an expired link with the page that offers a new one."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except LinkExpired as expired:
            return _expired(request, expired.report)

    return wrapper


@require_safe
@expiring
def follow_up(request: HttpRequest, token: str) -> HttpResponse:
    report = _report_or_404(follow_up_link(token))
    history = [
        (event.created_at, CONSUMER_EVENTS[event.action])
        for event in report_timeline(report)
        if event.action in CONSUMER_EVENTS
    ]
    files = report.attachments.filter(origin__in=[ActorKind.CONSUMER, ActorKind.PRO])
    response = Response.objects.filter(report=report).first()
    reviews = {review.about: review for review in report.reviews.all()}
    context = {
        "report": report,
        "history": history,
        "token": token,
        # Only what may be downloaded is named; the others are being scanned.
        "attachments": files.servable(),
        "files_being_scanned": files.filter(scan_state=ScanState.PENDING).count(),
        "response": response,
        "answer_review": reviews.get(ReviewAbout.ANSWER),
        "engagement_review": reviews.get(ReviewAbout.ENGAGEMENT),
    }
    if response is not None:
        context["answer_review_url"] = reverse("reports:review", args=[review_token(report, ReviewAbout.ANSWER)])
        if response.engagement_review_requested_at:
            context["engagement_review_url"] = reverse(
                "reports:review", args=[review_token(report, ReviewAbout.ENGAGEMENT)]
            )
        if reattribution_refusal(report) is None:
            context["reattribution_url"] = reverse("reports:reattribute", args=[reattribution_token(report)])
    return render(request, "reports/follow_up.html", context)


@require_http_methods(["GET", "POST"])
@expiring
def review(request: HttpRequest, token: str) -> HttpResponse:
    """The consumer rates the answer (or the engagement), once."""
    link = review_link(token)
    report, about = _report_or_404(link), link.about
    if about not in ReviewAbout.values:
        raise Http404
    existing = report.reviews.filter(about=about).first()
    form = forms.ReviewForm(posted(request) if existing is None else None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            review_create(report=report, about=about, **form.cleaned_data)
        except ReviewRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Merci : votre avis est enregistré."))
        return redirect("reports:review", token)
    context = {
        "report": report,
        "about": about,
        "form": form,
        "existing": existing,
        "response": Response.objects.filter(report=report).first(),
        "follow_up_url": reverse("reports:follow_up", args=[follow_up_token(report)]),
    }
    return render(request, "reports/review.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@expiring
def reattribute(request: HttpRequest, token: str) -> HttpResponse:
    """After a "not concerned" answer, the consumer names the right company."""
    report = _report_or_404(reattribution_link(token))
    refusal = reattribution_refusal(report)
    form = SiretForm(posted(request) if refusal is None else None, prefix="siret")
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            new = report_reattribute(report=report, company=form.company)
        except ReportRefused as refused:
            form.add_error("siret", refused.message)
        else:
            messages.success(
                request,
                _("Votre signalement est adressé à %(company)s sous la référence %(reference)s.")
                % {"company": new.company_name, "reference": new.reference},
            )
            return redirect("reports:follow_up", follow_up_token(new))
    context = {
        "report": report,
        "form": form,
        "refusal": refusal,
        "follow_up_url": reverse("reports:follow_up", args=[follow_up_token(report)]),
    }
    return render(request, "reports/reattribute.html", context, status=400 if form.errors else 200)


@require_safe
@expiring
def follow_up_attachment(request: HttpRequest, token: str, uid) -> HttpResponse:
    """A file of the consumer's report, or of the company's answer to it."""
    report = _report_or_404(follow_up_link(token))
    attachment = get_object_or_404(
        report.attachments.servable().filter(origin__in=[ActorKind.CONSUMER, ActorKind.PRO]),
        uid=uid,
    )
    return attachment_response(attachment)


@require_safe
@expiring
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    report = _report_or_404(follow_up_link(token))
    response = HttpResponse(receipt_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(report)}"'
    # It holds the consumer's name and address: no cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def follow_up_renew(request: HttpRequest, token: str) -> HttpResponse:
    """A new follow-up link, sent to the report's own address: whoever asks,
    only its owner receives it."""
    link = follow_up_link(token)
    if link.report is None:
        raise Http404
    if is_rate_limited(scope="follow-up-renew", key=client_ip(request), limit=10, period=3600):
        return render(request, "reports/too_many.html", status=429)
    follow_up_link_send(report=link.report)
    return render(request, "reports/link_renewed.html", {"report": link.report})


@require_http_methods(["GET", "POST"])
@expiring
def follow_up_erase(request: HttpRequest, token: str) -> HttpResponse:
    """The consumer asks for their personal data to be erased: the report stays,
    for the statistics and the administration, without their name, address,
    description or files."""
    report = _report_or_404(follow_up_link(token))
    if request.method == "POST":
        lifecycle.report_anonymise(report=report, at_consumer_request=True, by_consumer=True)
        return render(request, "reports/erased.html", {"reference": report.reference})
    return render(request, "reports/erase.html", {"report": report, "token": token})
