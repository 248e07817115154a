"""The agents' space: home, search, one report and its actions, saved
searches, subscriptions, invitations. Every report is reached through
Report.objects.visible_to (a food-safety agent gets 404 outside food and
hygiene); a read-only administrator reads everything and acts on nothing."""

import statistics
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Role
from accounts.services import AccessRefused, agent_invite
from companies.models import Company, CompanyAccess, LetterBatch, Website, WebsiteState
from companies.selectors import search_companies
from notifications.models import Subscription
from signalconso.audit import ActorKind, EventKind, record_event

from . import lifecycle
from .agent_forms import (
    AgentInviteForm,
    CommentForm,
    ForwardForm,
    InspectionForm,
    ReportSearchForm,
    SaveSearchForm,
    SubscriptionForm,
    TagsForm,
)
from .charts import stacked_bar_chart
from .exports import export_request
from .forms import AttachmentsForm, SiretForm
from .letters import companies_to_activate, letters_batch_posted, letters_batch_prepare
from .models import Bookmark, Export, ExportStatus, Rating, Report, ReportStatus, Response, Review, SavedSearch
from .search import reports_search
from .selectors import report_timeline
from .services import (
    ActionRefused,
    attachments_add,
    bookmark_toggle,
    comment_add,
    inspection_record,
    report_change_company,
    report_delete_spam,
    report_forward,
    report_tags_set,
)
from .views import attachments_context, stored_file_response
from .websites import website_identify, website_mark

PAGE_SIZE = 25
ACTING_ROLES = (Role.AGENT, Role.FOOD_SAFETY_AGENT, Role.ADMIN)


def staff_required(view=None, *, personal: bool = False, roles=None):
    """The administration's staff only: anonymous users log in, others get
    404. A read-only administrator gets 403 on any POST, unless the view only
    touches their own things (`personal`: saved searches, bookmarks, exports).
    `roles` narrows the view to some roles (others get 404)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_administration_staff or (roles and user.role not in roles):
                raise Http404
            if request.method == "POST" and user.role == Role.READONLY_ADMIN and not personal:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


# Website moderation and letters act on every report of a company or a host:
# not for food-safety agents, who see only part of them.
MODERATORS = (Role.AGENT, Role.ADMIN, Role.READONLY_ADMIN)


def _may_act(user) -> None:
    if user.role not in ACTING_ROLES:
        raise PermissionDenied


def _page(request) -> int:
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1


@staff_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What waits for action, and the latest reports of the agent's departments."""
    visible = Report.objects.visible_to(request.user)
    mine = visible.filter(department__in=request.user.departments) if request.user.departments else visible
    dangerous = (
        mine.filter(tags__slug=lifecycle.DANGEROUS_PRODUCT_TAG)
        .filter(created_at__gte=timezone.now() - timedelta(days=30))
        .select_related("company")
        .order_by("-created_at")[:10]
    )
    context = {
        "dangerous": list(dangerous),
        "websites_to_identify": Website.objects.filter(state=WebsiteState.NOT_IDENTIFIED).count()
        if request.user.role in MODERATORS
        else 0,
        # Capped: the count of a long list only says "many".
        "companies_to_activate": len(companies_to_activate().values_list("pk", flat=True)[:1000])
        if request.user.role in MODERATORS
        else 0,
        "latest": list(mine.select_related("company").order_by("-created_at")[:10]),
        "moderator": request.user.role in MODERATORS,
        "departments": request.user.departments,
    }
    return render(request, "agents/home.html", context)


@staff_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = ReportSearchForm(request.GET or None)
    rows, has_next, page = [], False, _page(request)
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        found = reports_search(request.user, filters)
        # One more row than the page tells whether there is a next: no COUNT.
        rows = list(found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
        has_next = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "reports": rows,
        "page": page,
        "has_next": has_next,
        "query": query.urlencode(),
        "saved": SavedSearch.objects.filter(user=request.user),
        "save_form": SaveSearchForm(),
        "subscribe_form": SubscriptionForm(),
    }
    return render(request, "agents/search.html", context, status=400 if form.errors else 200)


@staff_required(personal=True)
@require_POST
def search_save(request: HttpRequest) -> HttpResponse:
    form = SaveSearchForm(request.POST)
    query = request.POST.get("query", "")[:2000]
    if form.is_valid():
        SavedSearch.objects.create(user=request.user, name=form.cleaned_data["name"], query=query)
        messages.success(request, _("La recherche est enregistrée."))
    else:
        messages.error(request, _("Donnez un nom à la recherche pour l’enregistrer."))
    return redirect(f"{reverse('agents:search')}?{query}")


@staff_required(personal=True)
@require_POST
def search_forget(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(SavedSearch, pk=pk, user=request.user).delete()
    return redirect("agents:search")


def _report_or_404(request, reference: str) -> Report:
    return get_object_or_404(
        Report.objects.visible_to(request.user).select_related("company", "website"),
        reference=reference,
    )


@staff_required
@require_safe
def report_detail(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    return _render_report(request, report)


def _render_report(request, report, **forms_) -> HttpResponse:
    user = request.user
    context = {
        "report": report,
        "timeline": report_timeline(report),
        "response": Response.objects.filter(report=report).first(),
        "reviews": list(report.reviews.all()),
        "attachments": report.attachments.servable().select_related("comment"),
        "comments": report.comments.select_related("user").prefetch_related("attachments"),
        "inspections": report.inspections.select_related("user"),
        "bookmarked": Bookmark.objects.filter(report=report, user=user).exists(),
        "may_act": user.role in ACTING_ROLES,
        "is_admin": user.role == Role.ADMIN,
        "comment_form": forms_.get("comment_form") or CommentForm(),
        "files_form": forms_.get("files_form") or AttachmentsForm(),
        "inspection_form": forms_.get("inspection_form") or InspectionForm(),
        "tags_form": TagsForm(initial={"tags": list(report.tags.values_list("slug", flat=True))}),
        "forward_form": forms_.get("forward_form") or ForwardForm(),
        "company_form": forms_.get("company_form") or SiretForm(prefix="entreprise"),
        **attachments_context([], counted=0),
    }
    status = 400 if any(f.errors for f in forms_.values()) else 200
    return render(request, "agents/report.html", context, status=status)


def _acted(request, report, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("agents:report", report.reference)


@staff_required
@require_POST
def report_comment(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    _may_act(request.user)
    form = CommentForm(request.POST)
    files_form = AttachmentsForm(request.POST, request.FILES)
    files_form.is_valid()
    if not form.is_valid():
        return _render_report(request, report, comment_form=form, files_form=files_form)
    with transaction.atomic():
        added, refused = attachments_add(
            uploads=files_form.cleaned_data.get("files", []), origin=ActorKind.AGENT, already=0, user=request.user
        )
        if refused:
            transaction.set_rollback(True)
            for message in refused:
                files_form.add_error("files", message)
            return _render_report(request, report, comment_form=form, files_form=files_form)
        comment_add(report=report, user=request.user, text=form.cleaned_data["text"], attachments=added)
    return _acted(request, report, _("Le commentaire est ajouté."))


@staff_required
@require_POST
def report_inspection(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    _may_act(request.user)
    form = InspectionForm(request.POST)
    if not form.is_valid():
        return _render_report(request, report, inspection_form=form)
    inspection_record(report=report, user=request.user, **form.cleaned_data)
    return _acted(request, report, _("Le contrôle est consigné."))


@staff_required(personal=True)
@require_POST
def report_bookmark(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    on = bookmark_toggle(report=report, user=request.user)
    return _acted(request, report, _("Signalement suivi.") if on else _("Signalement plus suivi."))


@staff_required
@require_POST
def report_tags(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    _may_act(request.user)
    form = TagsForm(request.POST)
    if form.is_valid():
        report_tags_set(report=report, user=request.user, slugs=form.cleaned_data["tags"])
    return _acted(request, report, _("Les mots-clés sont enregistrés."))


@staff_required
@require_POST
def report_forward_view(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(request, reference)
    _may_act(request.user)
    form = ForwardForm(request.POST)
    if not form.is_valid():
        return _render_report(request, report, forward_form=form)
    report_forward(report=report, user=request.user, **form.cleaned_data)
    return _acted(request, report, _("La transmission est consignée dans l’historique."))


def _admin_only(user) -> None:
    if user.role != Role.ADMIN:
        raise PermissionDenied


@staff_required
@require_POST
def report_admin_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """Reopen, change the company, anonymise on request, delete as spam."""
    report = _report_or_404(request, reference)
    _admin_only(request.user)
    try:
        if action == "rouvrir":
            lifecycle.report_reopen(report=report, user=request.user)
            return _acted(request, report, _("Le signalement est rouvert pour 3 jours."))
        if action == "anonymiser":
            lifecycle.report_anonymise(report=report, user=request.user, at_consumer_request=True)
            return _acted(request, report, _("Les données du consommateur sont effacées ; il en est prévenu."))
        if action == "entreprise":
            form = SiretForm(request.POST, prefix="entreprise")
            if not form.is_valid():
                return _render_report(request, report, company_form=form)
            report_change_company(report=report, user=request.user, company=form.company)
            return _acted(request, report, _("L’entreprise du signalement est changée."))
        if action == "supprimer":
            if request.POST.get("confirm") != report.reference:
                messages.error(request, _("Recopiez la référence du signalement pour confirmer."))
                return redirect("agents:report", report.reference)
            report_delete_spam(report=report, user=request.user)
            messages.success(
                request,
                _("Le signalement %(reference)s est supprimé.") % {"reference": report.reference},
            )
            return redirect("agents:search")
    except (lifecycle.IllegalTransition, ActionRefused) as refusal:
        messages.error(request, refusal.message)
        return redirect("agents:report", report.reference)
    raise Http404


@staff_required(personal=True)
@require_http_methods(["GET", "POST"])
def subscriptions(request: HttpRequest) -> HttpResponse:
    """The agent's standing searches, emailed daily or on Mondays."""
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        query = QueryDict(request.POST.get("query", ""))
        search_form = ReportSearchForm(query)
        if form.is_valid() and search_form.is_valid():
            Subscription.objects.create(
                user=request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                frequency=form.cleaned_data["frequency"],
                filters={key: query.getlist(key) for key in query},
                last_sent_until=timezone.now(),
            )
            messages.success(request, _("L’abonnement est créé : les nouveaux signalements vous seront envoyés."))
        else:
            problems = [str(e) for errors in form.errors.values() for e in errors]
            messages.error(request, " ".join(problems) or _("Vérifiez les filtres de la recherche."))
        return redirect("agents:subscriptions")
    context = {"subscriptions": Subscription.objects.filter(user=request.user).order_by("name")}
    return render(request, "agents/subscriptions.html", context)


@staff_required(personal=True)
@require_POST
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Subscription, pk=pk, user=request.user).delete()
    messages.success(request, _("L’abonnement est supprimé."))
    return redirect("agents:subscriptions")


@staff_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """An administrator invites an agent."""
    _admin_only(request.user)
    form = AgentInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agent_invite(by=request.user, **form.cleaned_data)
        except AccessRefused as refusal:
            form.add_error("email", refusal.message)
        else:
            messages.success(request, _("L’invitation est envoyée à %(email)s.") % form.cleaned_data)
            return redirect("agents:invite")
    return render(request, "agents/invite.html", {"form": form}, status=400 if form.errors else 200)


# --- Exports ----------------------------------------------------------------------------

EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@staff_required(personal=True)
@require_POST
def export_create(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind")
    if kind not in EXPORT_TYPES:
        return HttpResponse(status=400)
    references = request.POST.getlist("reference")
    if kind == "pdf" and "reference" not in request.POST and "query" not in request.POST:
        messages.error(request, _("Cochez au moins un signalement."))
        return redirect("agents:search")
    if references:
        # A single report's PDF: only one the agent may read.
        visible = Report.objects.visible_to(request.user).filter(reference__in=references)
        references = list(visible.values_list("reference", flat=True))
        if not references:
            raise Http404
    export = export_request(user=request.user, kind=kind, query=request.POST.get("query", ""), references=references)
    return redirect("agents:export", export.pk)


@staff_required
@require_safe
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The waiting page: it reloads itself until the file is ready."""
    export = get_object_or_404(Export, pk=pk, user=request.user)
    return render(request, "agents/export.html", {"export": export})


@staff_required
@require_safe
def export_file(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(Export, pk=pk, user=request.user, status=ExportStatus.DONE)
    name = f"signalements-{timezone.localtime(export.created_at):%Y-%m-%d-%H%M}.{export.kind}"
    return stored_file_response(export.file, name, EXPORT_TYPES[export.kind])


# --- Companies ----------------------------------------------------------------------------


def _company_figures(reports) -> dict:
    counts = reports.aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=~Q(status=ReportStatus.NA)),
        read=Count("pk", filter=Q(read_at__isnull=False)),
        answered=Count("response"),
    )
    counts["response_rate"] = round(100 * counts["answered"] / counts["read"]) if counts["read"] else None
    return counts


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
        stats = {
            row["company_id"]: row
            for row in Report.objects.visible_to(request.user)
            .filter(company__in=results)
            .values("company_id")
            .annotate(
                total=Count("pk"),
                read=Count("pk", filter=Q(read_at__isnull=False)),
                answered=Count("response"),
            )
        }
        for company in results:
            row = stats.get(company.pk, {"total": 0, "read": 0, "answered": 0})
            rate = round(100 * row["answered"] / row["read"]) if row["read"] else None
            rows.append((company, row["total"], rate))
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
        "colour": "#18753c",
        "statuses": {ReportStatus.PROMESSE_ACTION, ReportStatus.INFONDE, ReportStatus.MAL_ATTRIBUE},
    },
    {
        "key": "waiting",
        "label": gettext_lazy("En attente de réponse"),
        "colour": "#000091",
        "statuses": {ReportStatus.TRAITEMENT_EN_COURS, ReportStatus.TRANSMIS},
    },
    {
        "key": "unanswered",
        "label": gettext_lazy("Clos sans réponse"),
        "colour": "#ce0500",
        "statuses": {ReportStatus.NON_CONSULTE, ReportStatus.CONSULTE_IGNORE},
    },
    {
        "key": "other",
        "label": gettext_lazy("Non transmis ou anonymisés"),
        "colour": "#666666",
        "statuses": {ReportStatus.NA, ReportStatus.SUPPRESSION_RGPD},
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
    delays = [
        (answered - created).total_seconds() / 86400
        for created, answered in Response.objects.filter(report__in=reports).values_list(
            "report__created_at", "created_at"
        )[:5000]
    ]
    months = _statuses_by_month(reports)
    context = {
        "company": company,
        "figures": _company_figures(reports),
        "median_delay": statistics.median(delays) if delays else None,
        "statuses": list(reports.values("status").annotate(n=Count("pk")).order_by("-n")),
        "months": months,
        "months_chart": stacked_bar_chart(months, STATUS_GROUPS),
        "status_groups": STATUS_GROUPS,
        "status_labels": dict(ReportStatus.choices),
        "ratings": list(
            Review.objects.filter(report__in=reports, about="answer")
            .values("rating")
            .annotate(n=Count("pk"))
            .order_by("rating")
        ),
        "rating_labels": dict(Rating.choices),
        "latest": list(reports.order_by("-created_at")[:20]),
        "accesses": CompanyAccess.objects.filter(company=company).select_related("user"),
        "websites": company.websites.all(),
        "letters": company.letters.order_by("-created_at"),
        "establishments": Company.objects.filter(siren=company.siren)
        .exclude(pk=company.pk)
        .order_by("-is_open", "siret")[:20],
    }
    return render(request, "agents/company.html", context)


@staff_required(roles=MODERATORS)
@require_http_methods(["GET", "POST"])
def companies_to_activate_view(request: HttpRequest) -> HttpResponse:
    """Companies reached by post: select, print one PDF of letters, confirm."""
    candidates = companies_to_activate()
    if request.method == "POST":
        _may_act(request.user)
        chosen = list(candidates.filter(pk__in=request.POST.getlist("company"))[:500])
        if not chosen:
            messages.error(request, _("Cochez au moins une entreprise."))
            return redirect("agents:companies_to_activate")
        batch = letters_batch_prepare(companies=chosen, by=request.user)
        return redirect("agents:letter_batch", batch.pk)
    page = _page(request)
    rows = list(candidates[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    context = {
        "companies": rows[:PAGE_SIZE],
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "may_act": request.user.role in ACTING_ROLES,
    }
    return render(request, "agents/to_activate.html", context)


@staff_required(roles=MODERATORS)
@require_http_methods(["GET", "POST"])
def letter_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(LetterBatch, pk=pk)
    if request.method == "POST":
        _may_act(request.user)
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


# --- Websites -----------------------------------------------------------------------------


@staff_required(roles=MODERATORS)
@require_http_methods(["GET", "POST"])
def websites(request: HttpRequest) -> HttpResponse:
    """Hosts reported but not identified: link one to its company, or mark it."""
    if request.method == "POST":
        _may_act(request.user)
        website = get_object_or_404(Website, pk=request.POST.get("website"))
        action = request.POST.get("action")
        if action == "identify":
            form = SiretForm(request.POST, prefix=f"site{website.pk}")
            if form.is_valid():
                sent = website_identify(website=website, company=form.company, user=request.user)
                messages.success(
                    request,
                    _("%(host)s est rattaché à %(company)s ; %(count)s signalements lui sont envoyés.")
                    % {"host": website.host, "company": form.company.name, "count": sent},
                )
            else:
                messages.error(request, " ".join(form.errors.get("siret", [])))
        elif action in (WebsiteState.FOREIGN, WebsiteState.MARKETPLACE):
            website_mark(website=website, state=action, country=request.POST.get("country", ""), user=request.user)
            messages.success(
                request,
                _("%(host)s est noté : %(state)s.") % {"host": website.host, "state": WebsiteState(action).label},
            )
        return redirect("agents:websites")
    hosts = (
        Website.objects.filter(state=WebsiteState.NOT_IDENTIFIED)
        .annotate(reports_count=Count("reports"))
        .order_by("-reports_count", "host")[:100]
    )
    return render(
        request,
        "agents/websites.html",
        {"websites": hosts, "may_act": request.user.role in ACTING_ROLES},
    )
