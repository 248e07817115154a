"""Paging through long lists by what the last row shown holds, never by
counting or skipping rows.

A page is the `size` rows that come after (or before) a row, in the list's
order: "after the report filed at 10:02:07 whose id is 81234". The links to
the next and previous pages carry that row's sort values (an opaque `apres`
or `avant`), so page 5,000 costs what page 1 costs: the database seeks to the
row in its index instead of reading and discarding every row before it. One
row more than the page is read to tell whether there is another page; the
list is never counted.

The lists' orders are given as Keys, the last one unique (the primary key),
so that every row has one place. `fin` asks for the last page, read from the
end.

Links made before this (`?page=3`) still open: the first MAX_PAGE pages by
their number, beyond that a message asks to narrow the list. Whatever the
query string holds (a tampered cursor, a letter for a page), the answer is a
page, the first one if nothing else makes sense.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Expression, F, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone

# Old links by page number: as many pages as are cheap to skip.
MAX_PAGE = 10
PARAMS = ("page", "apres", "avant", "fin")


@dataclass(frozen=True)
class Key:
    """One term of a list's order. `nulls_last` (`nulls_first`): the field may
    be empty, and rows without a value come after (before) all the others; a
    key with neither is never empty. `order_by`: an expression
    to sort by instead of the field itself, in the same order (reports.search
    uses one to steer PostgreSQL's plan)."""

    field: str
    descending: bool = False
    nulls_last: bool = False
    nulls_first: bool = False
    order_by: Expression | None = None

    def empty_at_end(self, forward: bool) -> bool | None:
        """Whether rows without a value come after the others in the direction
        read (None: the field is never empty)."""
        if self.nulls_last:
            return forward
        if self.nulls_first:
            return not forward
        return None


NEWEST_FIRST = (Key("created_at", descending=True), Key("pk", descending=True))


@dataclass(frozen=True)
class Page:
    rows: list
    # The query string without the paging's own parameters, for the links.
    query: str
    first: bool = True  # nothing before it
    has_next: bool = False
    has_previous: bool = False
    next_cursor: str = ""
    previous_cursor: str = ""
    # A page number past MAX_PAGE: the list should be narrowed instead.
    beyond_the_end: bool = False

    def link(self, **param) -> str:
        query = QueryDict(self.query, mutable=True)
        query.update(param)
        return f"?{query.urlencode()}"

    @property
    def next_link(self) -> str:
        return self.link(apres=self.next_cursor)

    @property
    def previous_link(self) -> str:
        return self.link(avant=self.previous_cursor)

    @property
    def first_link(self) -> str:
        return f"?{self.query}" if self.query else "?"

    @property
    def last_link(self) -> str:
        return self.link(fin="1")


def count_up_to(rows: QuerySet, limit: int) -> tuple[int, bool]:
    """How many rows there are, counted no further than `limit`: (limit, True)
    says "more than that". Counting every match of a common word among
    millions of reports costs more than showing them; nobody needs the exact
    figure past a few thousand."""
    found = rows.order_by()[: limit + 1].count()
    return min(found, limit), found > limit


def ordered(rows: QuerySet, keys: Sequence[Key], *, forward: bool = True) -> QuerySet:
    """The rows in the keys' order (or its reverse)."""
    return rows.order_by(*(_order_term(key, forward) for key in keys))


def paginate(
    request: HttpRequest,
    rows: QuerySet,
    *,
    size: int,
    keys: Sequence[Key] = NEWEST_FIRST,
    windows: Sequence[timedelta] = (),
) -> Page:
    """The page of `rows` that the request asks for, in the keys' order.

    `windows`: for a list whose first key is a date, newest first, and whose
    matches are costly to sort all at once (a common word among millions of
    reports), the page is looked for in the last `windows[0]` before the row
    it follows first, then in wider windows, and last in the whole list."""
    query = request.GET.copy()
    for param in PARAMS:
        query.pop(param, None)
    query = query.urlencode()
    after, before = _cursor(request.GET.get("apres"), rows, keys), _cursor(request.GET.get("avant"), rows, keys)
    if after is not None:
        return _seek(rows, keys, size, query, boundary=after, forward=True, windows=windows)
    if before is not None:
        return _seek(rows, keys, size, query, boundary=before, forward=False, windows=windows)
    if request.GET.get("fin"):
        return _seek(rows, keys, size, query, boundary=None, forward=False, windows=())
    number = _page_number(request.GET.get("page", "1"))
    if number > MAX_PAGE:
        return Page(rows=[], query=query, first=False, beyond_the_end=True)
    if number > 1:
        window = list(ordered(rows, keys)[(number - 1) * size : number * size + 1])
        shown = window[:size]
        return Page(
            rows=shown,
            query=query,
            first=False,
            has_next=len(window) > size,
            has_previous=True,
            next_cursor=_encode(shown[-1], keys) if shown else "",
            previous_cursor=_encode(shown[0], keys) if shown else "",
        )
    return _seek(rows, keys, size, query, boundary=None, forward=True, windows=windows)


def _page_number(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()):
        return 1
    if len(raw) > 6:
        return MAX_PAGE + 1
    return max(int(raw), 1)


def _seek(rows, keys, size, query, *, boundary, forward, windows) -> Page:
    beyond = rows if boundary is None else rows.filter(_beyond(keys, boundary, forward))
    window = _read(beyond, keys, size, forward, boundary, windows)
    more, shown = len(window) > size, window[:size]
    if forward:
        has_next, has_previous = more, boundary is not None
    else:
        shown.reverse()
        # Read backwards from a row, that row comes next; from the end, nothing does.
        has_next, has_previous = boundary is not None, more
    return Page(
        rows=shown,
        query=query,
        first=not has_previous,
        has_next=has_next,
        has_previous=has_previous,
        next_cursor=_encode(shown[-1], keys) if shown and has_next else "",
        previous_cursor=_encode(shown[0], keys) if shown and has_previous else "",
    )


def _read(rows, keys, size, forward, boundary, windows) -> list:
    """size + 1 rows past the boundary: through the windows first when there are."""
    lead = keys[0]
    if windows and lead.descending and forward:
        anchor = boundary[0] if boundary is not None else timezone.now()
        if isinstance(anchor, datetime):
            for width in windows:
                found = list(ordered(rows.filter(**{f"{lead.field}__gte": anchor - width}), keys)[: size + 1])
                if len(found) > size:
                    return found
    return list(ordered(rows, keys, forward=forward)[: size + 1])


def _order_term(key: Key, forward: bool):
    expression = key.order_by if key.order_by is not None else F(key.field)
    ascending = key.descending != forward
    empty_at_end = key.empty_at_end(forward)
    if empty_at_end is None:
        return expression.asc() if ascending else expression.desc()
    nulls = {"nulls_last": True} if empty_at_end else {"nulls_first": True}
    return expression.asc(**nulls) if ascending else expression.desc(**nulls)


def _beyond(keys: Sequence[Key], values: list, forward: bool) -> Q:
    """The rows after `values` in the keys' order (before them, backwards):
    the first key past its value, or equal and the next past, and so on. The
    first key's bound is also said on its own, for the index to start there."""
    condition = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        condition |= equal & _past(key, value, forward)
        equal &= Q(**{f"{key.field}__isnull": True}) if value is None else Q(**{key.field: value})
    lead, value = keys[0], values[0]
    if value is not None:
        bound = Q(**{f"{lead.field}__{'gte' if lead.descending != forward else 'lte'}": value})
        if lead.empty_at_end(forward):
            bound |= Q(**{f"{lead.field}__isnull": True})
        condition &= bound
    return condition


def _past(key: Key, value, forward: bool) -> Q:
    """The rows past `value` on this key alone, in the direction read."""
    empty_at_end = key.empty_at_end(forward)
    if value is None:
        # From an empty row: past it, only values if the empty rows come first.
        return Q(pk__in=[]) if empty_at_end else Q(**{f"{key.field}__isnull": False})
    past = Q(**{f"{key.field}__{'gt' if key.descending != forward else 'lt'}": value})
    if empty_at_end:
        past |= Q(**{f"{key.field}__isnull": True})
    return past


def _encode(row, keys: Sequence[Key]) -> str:
    values = [getattr(row, "pk" if key.field == "pk" else key.field) for key in keys]
    raw = json.dumps(values, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor(raw: str | None, rows: QuerySet, keys: Sequence[Key]) -> list | None:
    """The sort values a link carries, as the fields hold them; None when
    there are none or they make no sense (then the first page is shown)."""
    if not raw or len(raw) > 500:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != len(keys):
        return None
    try:
        return [
            None if value is None else _field(rows, key.field).to_python(_scalar(value))
            for key, value in zip(keys, values, strict=True)
        ]
    except (ValidationError, TypeError, ValueError, OverflowError):
        return None


def _field(rows: QuerySet, name: str):
    meta = rows.model._meta
    if name == "pk":
        return meta.pk
    try:
        return meta.get_field(name)
    except FieldDoesNotExist:
        return rows.query.annotations[name].output_field  # a key on an annotation (a count)


def _scalar(value):
    if isinstance(value, (dict, list)):
        raise ValueError("not a sort value")
    return value
