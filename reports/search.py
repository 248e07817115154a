"""The agents' search over all reports.

Full text (PostgreSQL): a stored French tsvector of the company's name, the
description and the company's answer (`report_index` keeps it up to date), a
GIN index over it (migration 0009). With a text query the results are sorted
by an expression rather than the bare `created_at`: the planner then looks
words up in the GIN index and sorts the few matches, instead of walking the
whole date index backwards hoping to meet a rare word (seconds on millions of
rows). Elsewhere (SQLite, `make run`) a plain `icontains`.
"""

from datetime import timedelta

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Q

from companies.identifiers import normalize_host, normalize_phone

from .models import Attachment, Category, Report, Review

VECTOR_SQL = """
    UPDATE reports_report r SET search_vector =
        setweight(to_tsvector('french', coalesce(r.company_name, '')), 'A')
        || to_tsvector('french', coalesce(r.description, ''))
        || to_tsvector('french', coalesce(
            (SELECT message FROM reports_response WHERE report_id = r.id), ''))
    WHERE r.id = ANY(%s)
"""


def report_index(report_ids: list[int]) -> None:
    """Recomputes the full-text vector of these reports (PostgreSQL only)."""
    if connection.vendor != "postgresql" or not report_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(VECTOR_SQL, [list(report_ids)])


def category_and_below(slug: str) -> list[int]:
    nodes = list(Category.objects.values_list("pk", "slug", "parent_id"))
    start = next((pk for pk, node_slug, _parent in nodes if node_slug == slug), None)
    if start is None:
        return []
    found, frontier = {start}, [start]
    while frontier:
        frontier = [pk for pk, _slug, parent in nodes if parent in frontier]
        found.update(frontier)
    return list(found)


def reports_search(user, filters: dict):
    """The reports this user may read that match the agents' search form's
    cleaned data, newest first (or as `tri` says)."""
    reports = Report.objects.visible_to(user).select_related("company", "category")
    if filters.get("departements"):
        reports = reports.filter(department__in=filters["departements"])
    if filters.get("depuis"):
        reports = reports.filter(created_at__date__gte=filters["depuis"])
    if filters.get("jusqua"):
        reports = reports.filter(created_at__date__lte=filters["jusqua"])
    if filters.get("categorie"):
        reports = reports.filter(category_id__in=category_and_below(filters["categorie"]))
    if filters.get("statuts"):
        reports = reports.filter(status__in=filters["statuts"])
    tags = Report.tags.through.objects.filter(report_id=OuterRef("pk"))
    if filters.get("avec_tags"):
        for slug in filters["avec_tags"]:
            reports = reports.filter(Exists(tags.filter(tag__slug=slug)))
    if filters.get("sans_tags"):
        reports = reports.exclude(Exists(tags.filter(tag__slug__in=filters["sans_tags"])))
    siret = filters.get("siret")
    if siret:
        reports = (
            reports.filter(company_siret=siret)
            if len(siret) == 14
            else reports.filter(company_siret__startswith=siret)
        )
    if filters.get("entreprise"):
        reports = reports.filter(company_name__icontains=filters["entreprise"])
    if filters.get("site"):
        reports = reports.filter(website__host=normalize_host(filters["site"]))
    if filters.get("telephone"):
        reports = reports.filter(phone=normalize_phone(filters["telephone"]) or filters["telephone"])
    if filters.get("pays"):
        reports = reports.filter(company_country__icontains=filters["pays"])
    if filters.get("fichiers") in ("oui", "non"):
        files = Exists(Attachment.objects.filter(report_id=OuterRef("pk")))
        reports = reports.filter(files) if filters["fichiers"] == "oui" else reports.exclude(files)
    if filters.get("avis"):
        reviews = Review.objects.filter(report_id=OuterRef("pk"), about="answer")
        if filters["avis"] == "aucun":
            reports = reports.exclude(Exists(reviews))
        else:
            reports = reports.filter(Exists(reviews.filter(rating=filters["avis"])))
    if filters.get("identite") in ("oui", "non"):
        reports = reports.filter(share_identity=filters["identite"] == "oui")
    text = (filters.get("texte") or "").strip()
    ordering = ["-created_at", "-pk"]
    if filters.get("tri") == "ancien":
        ordering = ["created_at", "pk"]
    elif filters.get("tri") == "echeance":
        ordering = [F("expires_at").asc(nulls_last=True), "pk"]
    if text:
        if connection.vendor == "postgresql":
            reports = reports.filter(search_vector=SearchQuery(text, config="french", search_type="websearch"))
            if ordering[0] == "-created_at":
                # Not the bare column: see the module's docstring.
                shifted = ExpressionWrapper(F("created_at") + timedelta(0), output_field=DateTimeField())
                ordering = [shifted.desc(), "-pk"]
        else:
            reports = reports.filter(
                Q(description__icontains=text) | Q(company_name__icontains=text) | Q(response__message__icontains=text)
            )
    return reports.order_by(*ordering)
