"""Companies for agents: the register's search with figures, the most
reported, one company's page, and the letters to those without users."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.decorators import ACTING_ROLES, MODERATORS, staff_required
from accounts.models import Role
from companies.models import Company, CompanyAccess, LetterBatch
from companies.selectors import search_companies
from reports.files.views import stored_file_response
from reports.models import Rating, Report, ReportStatus, Review, ReviewAbout
from reports.selectors import median_answer_delay, report_figures, report_figures_by_company
from reports.services.letters import companies_to_activate, letters_batch_posted, letters_batch_prepare
from reports.statistics.charts import stacked_bar_chart
from signalconso.audit import ActorKind, EventKind, record_event
from signalconso.forms import ids_from
from signalconso.pagination import Key, paginate


@staff_required
@require_safe
def companies(request: HttpRequest) -> HttpResponse:
    """Search the register; each result with its reports and response rate."""
    query = request.GET.get("q", "").strip()
    results, error = [], ""
    if query:
        try:
            results = search_companies(query=query, limit=20)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    rows = []
    if results:
        figures = report_figures_by_company(Report.objects.visible_to(request.user), results)
        rows = [(company, figures[company.pk]["total"], figures[company.pk]["response_rate"]) for company in results]
    context = {"query": query, "rows": rows, "error": error}
    return render(request, "agents/companies.html", context, status=400 if error else 200)


@staff_required
@require_safe
def companies_most_reported(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - timedelta(days=30)
    top = (
        Report.objects.visible_to(request.user)
        .filter(created_at__gte=since, company__isnull=False)
        .values("company_id", "company_siret", "company_name")
        .annotate(total=Count("pk"))
        .order_by("-total")[:30]
    )
    return render(request, "agents/most_reported.html", {"top": list(top)})


# The statuses as the company page's chart groups them, bottom to top.
STATUS_GROUPS = [
    {
        "key": "answered",
        "label": gettext_lazy("Répondus"),
        "statuses": {ReportStatus.PROMISED, ReportStatus.REJECTED, ReportStatus.NOT_CONCERNED},
    },
    {
        "key": "waiting",
        "label": gettext_lazy("En attente de réponse"),
        "statuses": {ReportStatus.SENT, ReportStatus.READ},
    },
    {
        "key": "unanswered",
        "label": gettext_lazy("Clos sans réponse"),
        "statuses": {ReportStatus.CLOSED_UNREAD, ReportStatus.CLOSED_UNANSWERED},
    },
    {
        "key": "other",
        "label": gettext_lazy("Non transmis ou anonymisés"),
        "statuses": {ReportStatus.NOT_SENT, ReportStatus.ANONYMISED},
    },
]


def _statuses_by_month(reports) -> list[dict]:
    """The last 12 months (this one included, none left out), each with its
    reports counted by status group and in all."""
    this_month = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    index = this_month.year * 12 + this_month.month - 1  # months since year 0
    starts = [((index - back) // 12, (index - back) % 12 + 1) for back in range(11, -1, -1)]
    first = this_month.replace(year=starts[0][0], month=starts[0][1])
    counts = (
        reports.filter(created_at__gte=first)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "status")
        .annotate(n=Count("pk"))
    )
    group_of = {status: group["key"] for group in STATUS_GROUPS for status in group["statuses"]}
    months = {
        start: {"label": f"{start[1]:02d}/{start[0]}", "total": 0} | {group["key"]: 0 for group in STATUS_GROUPS}
        for start in starts
    }
    for row in counts:
        month = months[(row["month"].year, row["month"].month)]
        month[group_of[row["status"]]] += row["n"]
        month["total"] += row["n"]
    for month in months.values():  # in the groups' order, for the table
        month["counts"] = [month[group["key"]] for group in STATUS_GROUPS]
    return list(months.values())


@staff_required
@require_safe
def company_detail(request: HttpRequest, siret: str) -> HttpResponse:
    company = get_object_or_404(Company, siret=siret)
    reports = Report.objects.visible_to(request.user).filter(company=company)
    months = _statuses_by_month(reports)
    context = {
        "company": company,
        "figures": report_figures(reports),
        "median_delay": median_answer_delay(reports),
        "statuses": list(reports.values("status").annotate(n=Count("pk")).order_by("-n")),
        "months": months,
        "months_chart": stacked_bar_chart(months, STATUS_GROUPS),
        "status_groups": STATUS_GROUPS,
        "status_labels": dict(ReportStatus.choices),
        "ratings": list(
            Review.objects.filter(report__in=reports, about=ReviewAbout.ANSWER)
            .values("rating")
            .annotate(n=Count("pk"))
            .order_by("rating")
        ),
        "rating_labels": dict(Rating.choices),
        "page": paginate(request, reports, size=PAGE_SIZE),
        "accesses": CompanyAccess.objects.filter(company=company).select_related("user"),
        "websites": company.websites.all(),
        "letters": company.letters.order_by("-created_at"),
        # Through the reverse relation: the inspections app stands above this one.
        "inspections": company.inspections.visible_to(request.user).order_by("-planned_on", "-pk")[:20],
        "may_act": request.user.role in ACTING_ROLES,
        "establishments": Company.objects.filter(siren=company.siren)
        .exclude(pk=company.pk)
        .order_by("-is_open", "siret")[:20],
    }
    return render(request, "agents/company.html", context)


PAGE_SIZE = 25
# Those with the most reports waiting first.
TO_ACTIVATE_ORDER = (Key("waiting", descending=True), Key("siret"), Key("pk"))


@staff_required(roles=MODERATORS)
@require_http_methods(["GET", "POST"])
def companies_to_activate_view(request: HttpRequest) -> HttpResponse:
    """Companies reached by post: select, print one PDF of letters, confirm."""
    candidates = companies_to_activate()
    if request.method == "POST":
        ids = ids_from(request.POST.getlist("company"))
        chosen = list(candidates.filter(pk__in=ids)[:500])
        if not chosen:
            messages.error(request, _("Cochez au moins une entreprise."))
            return redirect("agents:companies_to_activate")
        batch = letters_batch_prepare(companies=chosen, by=request.user)
        return redirect("agents:letter_batch", batch.pk)
    page = paginate(request, candidates, size=PAGE_SIZE, keys=TO_ACTIVATE_ORDER)
    context = {
        "companies": page.rows,
        "page": page,
        "may_act": request.user.role in ACTING_ROLES,
    }
    return render(request, "agents/to_activate.html", context)


@staff_required(roles=MODERATORS)
@require_http_methods(["GET", "POST"])
def letter_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(LetterBatch, pk=pk)
    if request.method == "POST":
        count = letters_batch_posted(batch=batch, by=request.user)
        messages.success(request, _("%(count)s courriers notés comme postés.") % {"count": count})
        return redirect("agents:letter_batch", batch.pk)
    letters = batch.letters.select_related("company").order_by("company__siret")
    return render(
        request,
        "agents/letter_batch.html",
        {"batch": batch, "letters": letters, "may_act": request.user.role in ACTING_ROLES},
    )


@staff_required(roles=(Role.AGENT, Role.ADMIN))
@require_safe
def letter_batch_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The letters carry working activation codes: agents who post letters
    only, and every download leaves an event."""
    batch = get_object_or_404(LetterBatch, pk=pk)
    record_event(EventKind.LETTERS_DOWNLOADED, actor=ActorKind.AGENT, user=request.user, details={"batch": batch.pk})
    return stored_file_response(batch.pdf, f"courriers-{batch.pk}.pdf", "application/pdf")
