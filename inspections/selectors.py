"""Reads about inspections: the agents' list, the candidates for an
inspection and their reasons, the figures. Every read starts from the
reader's scope (Inspection.objects.visible_to, Report.objects.visible_to)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company
from inspections.models import Inspection, InspectionOutcome, InspectionStatus
from reports.models import FOOD_SAFETY_TAGS, Rating, Report, Review, ReviewAbout
from signalconso.audit import Event

DANGEROUS_PRODUCT_TAG = "produit-dangereux"
# The companies with the most reports in the window are scored: enough to find
# the ones that matter, bounded whatever the number of companies.
CANDIDATES_SCORED = 300
CANDIDATES_SHOWN = 50
# A company with fewer reports than this in the window is not a candidate.
CANDIDATE_MIN_REPORTS = 2


def inspections_list(user, filters: dict):
    """The inspections the user may read, filtered by the list's form."""
    rows = Inspection.objects.visible_to(user).select_related("company", "agent")
    if filters.get("mine"):
        rows = rows.filter(Q(agent=user) | Q(others=user)).distinct()
    if filters.get("my_departments"):
        rows = rows.filter(department__in=user.departments or [])
    if filters.get("departement"):
        rows = rows.filter(department=filters["departement"])
    if filters.get("etat"):
        rows = rows.filter(status=filters["etat"])
    if filters.get("suite"):
        rows = rows.filter(outcome=filters["suite"])
    if filters.get("agent"):
        rows = rows.filter(agent=filters["agent"])
    if filters.get("depuis"):
        rows = rows.filter(planned_on__gte=filters["depuis"])
    if filters.get("jusqua"):
        rows = rows.filter(planned_on__lte=filters["jusqua"])
    return rows


def inspection_history(inspection: Inspection) -> list[Event]:
    """What happened to the inspection, oldest first, once per change (the
    same change is recorded on each linked report)."""
    events = (
        Event.objects.filter(details__inspection=inspection.pk).select_related("user").order_by("created_at", "pk")
    )
    seen, history = set(), []
    for event in events:
        key = (event.action, event.created_at.replace(microsecond=0), event.user_id)
        if key not in seen:
            seen.add(key)
            history.append(event)
    return history


@dataclass
class Reason:
    label: str
    points: float


@dataclass
class Candidate:
    company: Company
    reports: int
    score: float = 0.0
    reasons: list[Reason] = field(default_factory=list)

    def add(self, label: str, points: float) -> None:
        if points > 0:
            self.reasons.append(Reason(label, round(points, 1)))
            self.score = round(self.score + points, 1)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def inspection_candidates(user, *, days: int | None = None, weights: dict | None = None) -> list[Candidate]:
    """The companies to inspect first, over the last `days` days, each with
    the reasons of its score (see docs/configuration.md for the weights)."""
    days = days or settings.INSPECTION_SCORE_DAYS
    weights = {**settings.INSPECTION_SCORE_WEIGHTS, **(weights or {})}
    now = timezone.now()
    since, before = now - timedelta(days=days), now - timedelta(days=2 * days)
    visible = Report.objects.visible_to(user).filter(company__isnull=False)
    tagged = Report.tags.through.objects.filter(report_id=OuterRef("pk"))
    window = (
        visible.filter(created_at__gte=since)
        .annotate(
            dangerous=Exists(tagged.filter(tag__slug=DANGEROUS_PRODUCT_TAG)),
            food=Exists(tagged.filter(tag__slug__in=FOOD_SAFETY_TAGS)),
        )
        .values("company_id")
        .annotate(
            n=Count("pk"),
            sent=Count("pk", filter=Q(expires_at__isnull=False)),
            read=Count("pk", filter=Q(read_at__isnull=False)),
            answered=Count("response"),
            n_dangerous=Count("pk", filter=Q(dangerous=True)),
            n_food=Count("pk", filter=Q(food=True)),
        )
        .filter(n__gte=CANDIDATE_MIN_REPORTS)
        .order_by("-n", "company_id")[:CANDIDATES_SCORED]
    )
    rows = {row["company_id"]: row for row in window}
    if not rows:
        return []
    previous = dict(
        visible.filter(company_id__in=rows, created_at__gte=before, created_at__lt=since)
        .values("company_id")
        .annotate(n=Count("pk"))
        .values_list("company_id", "n")
    )
    poor = dict(
        Review.objects.filter(
            report__in=visible.filter(company_id__in=rows, created_at__gte=since),
            about=ReviewAbout.ANSWER,
            rating=Rating.NEGATIVE,
        )
        .values("report__company_id")
        .annotate(n=Count("pk"))
        .values_list("report__company_id", "n")
    )
    inspected = set(
        Inspection.objects.filter(company_id__in=rows, created_at__gte=now - timedelta(days=365))
        .exclude(status=InspectionStatus.CANCELLED)
        .values_list("company_id", flat=True)
    )
    companies = Company.objects.in_bulk(list(rows))
    candidates = []
    for company_id, row in rows.items():
        candidate = Candidate(company=companies[company_id], reports=row["n"])
        candidate.add(_("%(n)d signalements en %(days)d jours") % {"n": row["n"], "days": days},
                      row["n"] * weights["reports"])  # fmt: skip
        growth = row["n"] - previous.get(company_id, 0)
        candidate.add(
            _("%(n)d de plus que les %(days)d jours d’avant") % {"n": growth, "days": days},
            max(growth, 0) * weights["growth"],
        )
        candidate.add(
            _("%(n)d signalés comme produit dangereux") % {"n": row["n_dangerous"]},
            row["n_dangerous"] * weights["dangerous"],
        )
        candidate.add(
            _("%(n)d sur l’alimentation ou l’hygiène") % {"n": row["n_food"]}, row["n_food"] * weights["food"]
        )
        unread = _share(row["sent"] - row["read"], row["sent"])
        candidate.add(_("%(pct)d %% des signalements transmis jamais lus") % {"pct": round(100 * unread)},
                      10 * unread * weights["unread"])  # fmt: skip
        unanswered = _share(row["read"] - row["answered"], row["read"])
        candidate.add(
            _("%(pct)d %% des signalements lus sans réponse") % {"pct": round(100 * unanswered)},
            10 * unanswered * weights["unanswered"],
        )
        candidate.add(
            _("%(n)d réponses jugées insatisfaisantes") % {"n": poor.get(company_id, 0)},
            poor.get(company_id, 0) * weights["poor_rating"],
        )
        if company_id not in inspected:
            candidate.add(_("aucun contrôle depuis un an"), weights["not_inspected"])
        candidates.append(candidate)
    candidates.sort(key=lambda c: (-c.score, c.company.siret))
    return candidates[:CANDIDATES_SHOWN]


def inspection_figures(user) -> dict:
    """The inspections launched from reports (linking at least one), by
    outcome and by department."""
    links = Inspection.reports.through.objects.filter(inspection_id=OuterRef("pk"))
    from_reports = Inspection.objects.visible_to(user).filter(Exists(links))
    by_outcome = dict(from_reports.filter(status=InspectionStatus.DONE).values_list("outcome").annotate(n=Count("pk")))
    by_department = list(
        from_reports.values("department")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=InspectionStatus.DONE)),
            with_breach=Count("pk", filter=Q(status=InspectionStatus.DONE) & ~Q(outcome=InspectionOutcome.NO_BREACH)),
        )
        .order_by("department")
    )
    return {
        "total": from_reports.count(),
        "by_status": dict(from_reports.values_list("status").annotate(n=Count("pk"))),
        "by_outcome": [(label, by_outcome.get(value, 0)) for value, label in InspectionOutcome.choices],
        "by_department": by_department,
    }
