"""Reading companies: search by name, SIRET or SIREN, and legal units.

Search by name is typo- and accent-tolerant on PostgreSQL (trigram word
similarity over the folded name, see migration 0002); elsewhere it falls back
to a plain match of every word.
"""

import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from .identifiers import clean_siret_or_siren, fold
from .models import Company, CompanyAccess

MIN_QUERY_LENGTH = 2
MAX_RESULTS = 20
_NUMBER = re.compile(r"^[\d\s.\-]+$")
_NAME_EXPRESSION = "companies_search_name(legal_name, brand)"


# How many matching rows are ranked at most. A common word ("boulangerie")
# matches tens of thousands of names that all score alike; ranking every one of
# them costs hundreds of milliseconds for no better answer, so the first
# CANDIDATES found by the index are ranked instead.
CANDIDATES = 300


def _by_name_postgresql(queryset: QuerySet, folded: str) -> QuerySet:
    # The query is a bound parameter; only the constant expression is inlined.
    matches = RawSQL(f"%s <%% {_NAME_EXPRESSION}", (folded,), BooleanField())  # noqa: S611
    score = RawSQL(f"word_similarity(%s, {_NAME_EXPRESSION})", (folded,), FloatField())  # noqa: S611
    candidates = queryset.filter(matches).values("pk")[:CANDIDATES]
    return Company.objects.filter(pk__in=Subquery(candidates)).annotate(score=score)


def _by_name_plain(queryset: QuerySet, folded: str) -> QuerySet:
    for word in folded.split():
        queryset = queryset.filter(Q(legal_name__icontains=word) | Q(brand__icontains=word))
    return queryset.annotate(score=RawSQL("0", (), FloatField()))


def search_companies(
    *, query: str, postal_code: str = "", department: str = "", limit: int = MAX_RESULTS
) -> list[Company]:
    """Establishments matching a name, a SIRET or a SIREN, best first: open
    establishments before closed ones, then by closeness of the name, head
    offices first. Raises ValidationError (in French) for an unusable query."""
    query = " ".join((query or "").split())
    if len(query) < MIN_QUERY_LENGTH:
        raise ValidationError(
            _("Saisissez au moins %(min)s caractères du nom, ou le numéro SIRET ou SIREN."),
            code="too_short",
            params={"min": MIN_QUERY_LENGTH},
        )
    queryset = Company.objects.all()
    if postal_code:
        if not re.fullmatch(r"\d{5}", postal_code.strip()):
            raise ValidationError(
                _("Le code postal compte 5 chiffres, par exemple 75011."), code="postal_code"
            )
        queryset = queryset.filter(postal_code=postal_code.strip())
    if department:
        queryset = queryset.filter(department=department.strip().upper())

    if _NUMBER.match(query):
        number = clean_siret_or_siren(query)
        field = "siret" if len(number) == 14 else "siren"
        results = queryset.filter(**{field: number}).annotate(score=RawSQL("1", (), FloatField()))
    elif connection.vendor == "postgresql":
        results = _by_name_postgresql(queryset, fold(query))
    else:
        results = _by_name_plain(queryset, fold(query))
    return list(results.order_by("-is_open", "-score", "-is_head_office", "siret")[:limit])


def company_by_siret(siret: str) -> Company | None:
    return Company.objects.filter(siret=siret).first()


def company_accesses(company: Company):
    """The accesses that reach this establishment: its own, and those of its
    head office, whose users see every establishment of the SIREN."""
    reach = Q(company=company) | Q(company__siren=company.siren, company__is_head_office=True)
    return CompanyAccess.objects.filter(reach, user__is_active=True)


def company_has_users(company: Company) -> bool:
    """Whether professionals can read the company's reports in their space
    (else it is reached by post, and has longer to answer)."""
    return company_accesses(company).exists()


def company_users_to_alert(company: Company, *, new_report: bool = False) -> list:
    """The users to email about one of the company's reports, each once; for
    a new report, not those who muted the company."""
    accesses = company_accesses(company).select_related("user").order_by("user_id")
    if new_report:
        accesses = accesses.filter(new_report_emails=True)
    users = {access.user_id: access.user for access in accesses}
    return list(users.values())
