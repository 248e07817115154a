"""The search over every report the agent may read, saved searches and
subscriptions."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import staff_required
from accounts.models import STAFF_ROLES
from notifications.models import Subscription
from reports.agents.forms import InvalidFilters, ReportSearchForm, SaveSearchForm, SubscriptionForm, search_query
from reports.models import Report, SavedSearch
from reports.search import SEARCH_WINDOWS, ReportFilters, reports_search, search_keys
from reports.services import agents as agents_services
from reports.services.agents import saved_search_create, saved_search_forget, subscription_create
from signalconso.db import reads
from signalconso.pagination import count_up_to, paginate

PAGE_SIZE = 25
# Past this many, the search says "more than" (signalconso.pagination.count_up_to).
COUNT_LIMIT = 10_000


@staff_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = ReportSearchForm(request.GET or None)
    found, filters = Report.objects.none(), ReportFilters()
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else filters
        # On the replica when there is one: the search may lag a few seconds.
        found = reports_search(request.user, filters).using(reads())
    windows = SEARCH_WINDOWS if filters.text else ()
    page = paginate(request, found, size=PAGE_SIZE, keys=search_keys(filters), windows=windows)
    total, more = count_up_to(found, COUNT_LIMIT) if page.rows else (0, False)
    context = {
        "form": form,
        "reports": page.rows,
        "page": page,
        "total": total,
        "more": more,
        # The search's own filters, for the save and subscribe forms.
        "query": page.query,
        "saved": SavedSearch.objects.filter(user=request.user),
        "save_form": SaveSearchForm(),
        "subscribe_form": SubscriptionForm(),
    }
    return render(request, "agents/search.html", context, status=400 if form.errors else 200)


@staff_required(act=STAFF_ROLES)
@require_POST
def search_save(request: HttpRequest) -> HttpResponse:
    form = SaveSearchForm(request.POST)
    try:
        query = search_query(request.POST.get("query", "")).urlencode()
    except InvalidFilters:
        messages.error(request, _("Ces filtres ne sont pas valides : corrigez la recherche avant de l’enregistrer."))
        return redirect("agents:search")
    if form.is_valid():
        saved_search_create(user=request.user, name=form.cleaned_data["name"], query=query)
        messages.success(request, _("La recherche est enregistrée."))
    else:
        messages.error(request, _("Donnez un nom à la recherche pour l’enregistrer."))
    return redirect(f"{reverse('agents:search')}?{query}")


@staff_required(act=STAFF_ROLES)
@require_POST
def search_forget(request: HttpRequest, pk: int) -> HttpResponse:
    if not saved_search_forget(user=request.user, pk=pk):
        raise Http404
    return redirect("agents:search")


@staff_required(act=STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def subscriptions(request: HttpRequest) -> HttpResponse:
    """The agent's standing searches, emailed daily or on Mondays."""
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        try:
            query = search_query(request.POST.get("query", ""))
        except InvalidFilters:
            query = None
        if form.is_valid() and query is not None:
            subscription_create(
                user=request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                frequency=form.cleaned_data["frequency"],
                filters={key: query.getlist(key) for key in query},
            )
            messages.success(request, _("L’abonnement est créé : les nouveaux signalements vous seront envoyés."))
        else:
            problems = [str(e) for errors in form.errors.values() for e in errors]
            messages.error(request, " ".join(problems) or _("Vérifiez les filtres de la recherche."))
        return redirect("agents:subscriptions")
    context = {"subscriptions": Subscription.objects.filter(user=request.user).order_by("name")}
    return render(request, "agents/subscriptions.html", context)


@staff_required(act=STAFF_ROLES)
@require_POST
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not agents_services.subscription_delete(user=request.user, pk=pk):
        raise Http404
    messages.success(request, _("L’abonnement est supprimé."))
    return redirect("agents:subscriptions")
