"""The agents' search over all reports.

Full text (PostgreSQL): a stored French tsvector of the company's name, the
description and the company's answer (`report_index` keeps it up to date), a
GIN index over it (migration 0009). The vectors and the queries both go through
SEARCH_CONFIG, French with the accents taken off before stemming (migration
0016): `electricite` finds `Électricité`, and the reverse. With a text query
the results are sorted by an expression rather than the bare `created_at`: the
planner then looks words up in the GIN index and sorts the few matches,
instead of walking the whole date index backwards hoping to meet a rare word
(seconds on millions of rows). Elsewhere (SQLite, `make run`) a plain
substring search, accents and case folded on both sides as well (`Folded`).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.postgres.search import SearchQuery
from django.db import connection, models
from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, Func, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from companies.identifiers import fold
from companies.models import Company, Website
from reports.models import Attachment, Category, Report, Review, ReviewAbout
from signalconso.pagination import NEWEST_FIRST, Key, ordered

# The text search configuration of the vectors and of the queries: they must agree.
SEARCH_CONFIG = "public.french_unaccent"

VECTOR_SQL = f"""
    UPDATE reports_report r SET search_vector =
        setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(r.company_name, '')), 'A')
        || to_tsvector('{SEARCH_CONFIG}', coalesce(r.description, ''))
        || to_tsvector('{SEARCH_CONFIG}', coalesce(
            (SELECT message FROM reports_response WHERE report_id = r.id), ''))
    WHERE r.id = ANY(%s)
"""  # noqa: S608


class Folded(Func):
    """A text without accents, in lower case (SQLite: see register_fold)."""

    function = "signalconso_fold"
    output_field = models.TextField()


def register_fold(sender, connection, **kwargs) -> None:
    """Gives SQLite's connections the function Folded calls (connection_created,
    connected by reports.apps): companies.identifiers.fold, in Python."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("signalconso_fold", 1, fold, deterministic=True)


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


class Order(models.TextChoices):
    NEWEST = "newest", _("Les plus récents d’abord")
    OLDEST = "oldest", _("Les plus anciens d’abord")
    DEADLINE = "deadline", _("L’échéance la plus proche d’abord")


@dataclass(frozen=True)
class ReportFilters:
    """What an agent looks for, already checked (reports.agents.forms makes it
    from the search page's fields). Empty values filter nothing."""

    text: str = ""
    departments: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    category: str = ""  # a category's slug: that node and every node below it
    statuses: tuple[str, ...] = ()
    with_tags: tuple[str, ...] = ()
    without_tags: tuple[str, ...] = ()
    siret: str = ""  # 14 digits for an establishment, 9 for every one of a SIREN
    company_name: str = ""
    website: str = ""  # a host, as companies.identifiers.normalize_host gives it
    phone: str = ""  # E.164, as normalize_phone gives it
    country: str = ""
    with_files: bool | None = None
    rating: str = ""  # a Rating, or UNRATED
    identity_shared: bool | None = None
    order: str = Order.NEWEST


UNRATED = "none"


def reports_search(user, filters: ReportFilters):
    """The reports this user may read that match the filters, newest first
    (or as `filters.order` says)."""
    reports = Report.objects.visible_to(user)
    if filters.departments:
        reports = reports.filter(department__in=filters.departments)
    if filters.since:
        reports = reports.filter(created_at__date__gte=filters.since)
    if filters.until:
        reports = reports.filter(created_at__date__lte=filters.until)
    if filters.category:
        reports = reports.filter(category_id__in=category_and_below(filters.category))
    if filters.statuses:
        reports = reports.filter(status__in=filters.statuses)
    tags = Report.tags.through.objects.filter(report_id=OuterRef("pk"))
    for slug in filters.with_tags:
        reports = reports.filter(Exists(tags.filter(tag__slug=slug)))
    if filters.without_tags:
        reports = reports.exclude(Exists(tags.filter(tag__slug__in=filters.without_tags)))
    if filters.siret:
        # By the companies' ids: the (company, created_at) index reads them newest first.
        identifier = {"siret": filters.siret} if len(filters.siret) == 14 else {"siren": filters.siret}
        reports = reports.filter(
            company_id__in=list(Company.objects.filter(**identifier).values_list("pk", flat=True))
        )
    if filters.company_name:
        reports = reports.filter(company_name__icontains=filters.company_name)
    if filters.website:
        # By the site's id, not through a join: the (website, created_at) index serves.
        reports = reports.filter(
            website_id__in=list(Website.objects.filter(host=filters.website).values_list("pk", flat=True))
        )
    if filters.phone:
        reports = reports.filter(phone=filters.phone)
    if filters.country:
        reports = reports.filter(company_country__icontains=filters.country)
    if filters.with_files is not None:
        files = Exists(Attachment.objects.filter(report_id=OuterRef("pk")))
        reports = reports.filter(files) if filters.with_files else reports.exclude(files)
    if filters.rating:
        reviews = Review.objects.filter(report_id=OuterRef("pk"), about=ReviewAbout.ANSWER)
        if filters.rating == UNRATED:
            reports = reports.exclude(Exists(reviews))
        else:
            reports = reports.filter(Exists(reviews.filter(rating=filters.rating)))
    if filters.identity_shared is not None:
        reports = reports.filter(share_identity=filters.identity_shared)
    text = filters.text.strip()
    if text:
        if connection.vendor == "postgresql":
            reports = reports.filter(search_vector=SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch"))
        else:
            folded = fold(text)
            reports = reports.alias(
                folded_description=Folded("description"),
                folded_company_name=Folded("company_name"),
                folded_answer=Folded("response__message"),
            ).filter(
                Q(folded_description__contains=folded)
                | Q(folded_company_name__contains=folded)
                | Q(folded_answer__contains=folded)
            )
    return ordered(reports, search_keys(filters))


# A common word is looked for in the last month first, then the last year, then everywhere.
SEARCH_WINDOWS = (timedelta(days=31), timedelta(days=366))


def search_keys(filters: ReportFilters) -> tuple[Key, ...]:
    """The order of the search's results, as signalconso.pagination pages through it."""
    if filters.order == Order.OLDEST:
        return (Key("created_at"), Key("pk"))
    if filters.order == Order.DEADLINE:
        return (Key("expires_at", nulls_last=True), Key("pk"))
    if filters.text.strip() and connection.vendor == "postgresql":
        # Not the bare column: see the module's docstring.
        shifted = ExpressionWrapper(F("created_at") + timedelta(0), output_field=DateTimeField())
        return (Key("created_at", descending=True, order_by=shifted), Key("pk", descending=True))
    return NEWEST_FIRST
