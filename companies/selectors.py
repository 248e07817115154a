"""Reading companies: search by name, SIRET or SIREN, and legal units.

Search by name is typo- and accent-tolerant on PostgreSQL; elsewhere it falls
back to a plain match of every word.

On PostgreSQL, a name is found through its words (migration 0006). The
register's vocabulary (companies_nameword, one row per distinct word, with a
trigram index) is asked first, in one query, for the words that start with
the last word typed (the wizard searches as the user types) and for the words
close to each word typed ("boulangrie" → "boulangerie"). Then the names'
word index, which answers "which names hold these words" in milliseconds
however large the register, is asked up to four times, each time only when
the times before found too little:

1. each word as typed;
2. the same, the last word also completed;
3. each word or one of its close words;
4. when still nothing, all words but one, in turn (a word the name lacks,
   such as "sarl", does not hide it).

Names found by an earlier try come first (an exact name that has closed is
not hidden by twenty open look-alikes); then open establishments, then how
close the whole name is to the query.
"""

import re
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Case, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from companies.identifiers import clean_siret_or_siren, fold, is_department_code
from companies.models import Company, CompanyAccess

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200
MAX_RESULTS = 20
_NUMBER = re.compile(r"^[\d\s.\-]+$")
_NAME_EXPRESSION = "companies_search_name(legal_name, brand)"
_WORDS_EXPRESSION = "companies_search_words(legal_name, brand)"

# How many matching rows are ranked at most. A common word ("boulangerie")
# matches tens of thousands of names that all score alike; ranking every one of
# them costs hundreds of milliseconds for no better answer, so the first
# CANDIDATES found by the index are ranked instead.
CANDIDATES = 300
# Words of a query looked at; words tried to complete the last one (shortest
# first), and close words tried for each.
MAX_WORDS = 6
COMPLETIONS = 20
CLOSE_WORDS = 8
# Shorter than this, a word is neither completed nor corrected: "de" starts
# or resembles too many words to be worth it.
MIN_PREFIX = 3


def _query_words(query: str) -> list[str]:
    """The words of a query as the names' word index holds them: folded and
    split by the same SQL functions as the names. At most MAX_WORDS: the last
    one (being typed) always, then the longest of the others, in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_remove(regexp_split_to_array(companies_search_name(%s, ''), '[^[:alnum:]]+'), '')",
            [query],
        )
        words = cursor.fetchone()[0]
    while len(words) > MAX_WORDS:
        shortest = min(range(len(words) - 1), key=lambda i: (len(words[i]), -i))
        del words[shortest]
    return words


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery(groups: list[set[str]]) -> str:
    """Every group must match; within a group, any one of its words."""
    return " & ".join("(" + " | ".join(map(_lexeme, sorted(group))) + ")" for group in groups)


def _vocabulary(words: list[str]) -> tuple[set[str], dict[str, set[str]]]:
    """Words of the register starting with the last word, and the words close
    to each word (not the word itself), in one query."""
    last = words[-1] if len(words[-1]) >= MIN_PREFIX else None
    pattern = last.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" if last else None
    with connection.cursor() as cursor:
        cursor.execute(
            """
            (SELECT '', word FROM companies_nameword
             WHERE word LIKE %(pattern)s AND word <> %(last)s
             ORDER BY length(word), word LIMIT %(completions)s)
            UNION ALL
            SELECT typed.word, close.word
            FROM unnest(%(words)s::text[]) AS typed(word)
            CROSS JOIN LATERAL (
                SELECT n.word FROM companies_nameword n
                WHERE n.word %% typed.word AND n.word <> typed.word
                ORDER BY similarity(n.word, typed.word) DESC, n.word
                LIMIT %(close)s
            ) AS close
            """,
            {
                "pattern": pattern,
                "last": last,
                "completions": COMPLETIONS,
                "words": sorted({word for word in words if len(word) >= MIN_PREFIX}),
                "close": CLOSE_WORDS,
            },
        )
        completions: set[str] = set()
        close: dict[str, set[str]] = {}
        for typed, found in cursor.fetchall():
            if typed:
                close.setdefault(typed, set()).add(found)
            else:
                completions.add(found)
    return completions, close


@contextmanager
def _through_indexes():
    """A query asking for the first few hundred names holding a handful of
    words can be planned as a walk through the whole table, stopped as soon
    as enough are found: fine when the words are common, seconds when they
    are rare and the planner guessed otherwise. Here the word index is
    always the way in. The setting ends with this block, also on error (a
    rollback to the savepoint restores it)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")


def _by_name_postgresql(queryset: QuerySet, query: str, enough: int) -> QuerySet:
    words = _query_words(query)
    tiers: dict[int, int] = {}  # primary key → the first try that found it

    def collect(tier: int, groups: list[set[str]]) -> None:
        matches = RawSQL(f"{_WORDS_EXPRESSION} @@ %s::tsquery", (_tsquery(groups),), BooleanField())  # noqa: S611
        for pk in queryset.filter(matches).values_list("pk", flat=True)[:CANDIDATES]:
            tiers.setdefault(pk, tier)

    if words:
        completions, close = _vocabulary(words)
        typed = [{word} for word in words]
        completed = [*typed[:-1], typed[-1] | completions]
        loose = [group | close.get(word, set()) for word, group in zip(words, completed, strict=True)]
        with _through_indexes():
            collect(0, typed)
            if len(tiers) < enough and completions:
                collect(1, completed)
            if len(tiers) < enough and loose != completed:
                collect(2, loose)
            if not tiers and len(loose) > 1:
                for left_out in range(len(loose)):
                    collect(3, loose[:left_out] + loose[left_out + 1 :])
                    if len(tiers) >= enough:
                        break
    by_tier: dict[int, list[int]] = {}
    for pk, tier in tiers.items():
        by_tier.setdefault(tier, []).append(pk)
    tier = Case(
        *(When(pk__in=pks, then=Value(tier)) for tier, pks in sorted(by_tier.items())),
        default=Value(0),
        output_field=IntegerField(),
    )
    score = RawSQL(f"word_similarity(%s, {_NAME_EXPRESSION})", (" ".join(words),), FloatField())  # noqa: S611
    return Company.objects.filter(pk__in=list(tiers)).annotate(tier=tier, score=score)


def _by_name_plain(queryset: QuerySet, folded: str) -> QuerySet:
    for word in folded.split():
        queryset = queryset.filter(Q(legal_name__icontains=word) | Q(brand__icontains=word))
    return queryset.annotate(tier=Value(0), score=RawSQL("0", (), FloatField()))


def search_companies(
    *, query: str, postal_code: str = "", department: str = "", limit: int = MAX_RESULTS
) -> list[Company]:
    """Establishments matching a name, a SIRET or a SIREN, best first: names
    holding the words as typed before those found by completing or correcting
    them; then open establishments before closed ones, then by closeness of
    the name, head offices first. Raises ValidationError (in French) for an
    unusable query."""
    query = " ".join((query or "").split())
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationError(
            _("Saisissez %(max)s caractères au plus : le nom, ou quelques mots du nom."),
            code="too_long",
            params={"max": MAX_QUERY_LENGTH},
        )
    if len(query) < MIN_QUERY_LENGTH:
        raise ValidationError(
            _("Saisissez au moins %(min)s caractères du nom, ou le numéro SIRET ou SIREN."),
            code="too_short",
            params={"min": MIN_QUERY_LENGTH},
        )
    queryset = Company.objects.all()
    if postal_code:
        if not re.fullmatch(r"\d{5}", postal_code.strip()):
            raise ValidationError(_("Le code postal compte 5 chiffres, par exemple 75011."), code="postal_code")
        queryset = queryset.filter(postal_code=postal_code.strip())
    if department:
        if not is_department_code(department.strip().upper()):
            raise ValidationError(_("Département inconnu. Exemples : 13, 2A, 971."), code="department")
        queryset = queryset.filter(department=department.strip().upper())

    if _NUMBER.match(query):
        number = clean_siret_or_siren(query)
        field = "siret" if len(number) == 14 else "siren"
        results = queryset.filter(**{field: number}).annotate(tier=Value(0), score=RawSQL("1", (), FloatField()))
    elif connection.vendor == "postgresql":
        results = _by_name_postgresql(queryset, query, enough=limit)
    else:
        results = _by_name_plain(queryset, fold(query))
    return list(results.order_by("tier", "-is_open", "-score", "-is_head_office", "siret")[:limit])


def search_companies_leniently(
    *, query: str, postal_code: str = "", department: str = ""
) -> tuple[list[Company], str]:
    """search_companies, and when it finds nothing for several words, the
    same without the last one: people often add the town to the name. Returns
    the establishments and the word left out ("" when none was)."""
    results = search_companies(query=query, postal_code=postal_code, department=department)
    words = (query or "").split()
    if results or len(words) < 2 or _NUMBER.match(query.strip()):
        return results, ""
    shorter = search_companies(query=" ".join(words[:-1]), postal_code=postal_code, department=department)
    return (shorter, words[-1]) if shorter else ([], "")


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
