"""Paging by the last row shown: every row once, in order, both ways, whatever
the query string holds."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.models import Report
from signalconso.pagination import MAX_PAGE, NEWEST_FIRST, Key, paginate

from ..reports.factories import ReportFactory

pytestmark = pytest.mark.django_db

SIZE = 4
NOW = timezone.now().replace(microsecond=0)
DEADLINE_FIRST = (Key("expires_at", nulls_last=True), Key("pk"))
UNREAD_FIRST = (Key("read_at", descending=True, nulls_first=True), Key("pk"))


@pytest.fixture
def rows():
    """17 reports whose sort values tie and are empty here and there."""
    made = []
    for n in range(17):
        report = ReportFactory()
        Report.objects.filter(pk=report.pk).update(
            created_at=NOW - timedelta(hours=n // 3),  # three by three on the same instant
            expires_at=None if n % 4 == 0 else NOW + timedelta(days=n % 5),
            read_at=None if n % 3 == 0 else NOW - timedelta(days=n % 2),
        )
        made.append(report.pk)
    return Report.objects.filter(pk__in=made)


def expected(rows, keys):
    """The order the keys say, computed here in Python, empty values placed as declared."""

    def term(value, key):
        empty = value is None
        rank = (1 if key.nulls_last else -1) if empty else 0
        if empty:
            return (rank, 0)
        stamp = value.timestamp() if hasattr(value, "timestamp") else value
        return (rank, -stamp if key.descending else stamp)

    def sort_key(row):
        return tuple(term(getattr(row, "pk" if k.field == "pk" else k.field), k) for k in keys)

    return [row.pk for row in sorted(rows, key=sort_key)]


def walk(rf, rows, keys, *, backwards=False):
    """Every page, following the links as a user does; returns the ids seen in the list's order."""
    params, pages = ({"fin": "1"} if backwards else {}), []
    for _ in range(20):
        page = paginate(rf.get("/", {**params, "q": "x"}), rows, size=SIZE, keys=keys)
        assert page.query == "q=x"
        pages.append([row.pk for row in page.rows])
        if backwards:
            if not page.has_previous:
                break
            params = {"avant": page.previous_cursor}
        else:
            if not page.has_next:
                break
            params = {"apres": page.next_cursor}
    if backwards:
        pages.reverse()
        full = pages[1:]  # read from the end, only the first page may be short
    else:
        full = pages[:-1]
    assert all(len(page) == SIZE for page in full), pages
    return [pk for page in pages for pk in page]


@pytest.mark.parametrize("keys", [NEWEST_FIRST, DEADLINE_FIRST, UNREAD_FIRST], ids=["newest", "deadline", "unread"])
def test_forward_and_backward_every_row_once_in_order(rf, rows, keys):
    order = expected(list(rows), keys)
    assert walk(rf, rows, keys) == order
    assert walk(rf, rows, keys, backwards=True) == order


def test_a_page_reads_one_row_more_and_never_counts(rf, rows):
    first = paginate(rf.get("/"), rows, size=SIZE)
    with CaptureQueriesContext(connection) as queries:
        page = paginate(rf.get("/", {"apres": first.next_cursor}), rows, size=SIZE)
    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert "COUNT(" not in sql and "OFFSET" not in sql
    assert page.has_previous and page.has_next and not page.first


def test_the_last_page_and_the_first(rf, rows):
    last = paginate(rf.get("/", {"fin": "1"}), rows, size=SIZE)
    assert [r.pk for r in last.rows] == expected(list(rows), NEWEST_FIRST)[-SIZE:]
    assert last.has_previous and not last.has_next
    first = paginate(rf.get("/"), rows, size=SIZE)
    assert first.first and not first.has_previous and first.has_next


@pytest.mark.parametrize(
    "raw",
    ["", "abc", "!!!", "W10", "WzFd", "eyJhIjoxfQ", "WyJ4IiwieSJd", "WzEsMl0", "WyIyMDI2LTEzLTQwIiwxXQ", "A" * 600],
)
def test_a_tampered_cursor_gives_the_first_page(rf, rows, raw):
    # "W10" is [], "WzFd" [1], "eyJhIjoxfQ" {"a":1}, "WyJ4IiwieSJd" ["x","y"], "WzEsMl0" [1,2] (no date),
    # "WyIyMDI2LTEzLTQwIiwxXQ" ["2026-13-40",1].
    first = paginate(rf.get("/"), rows, size=SIZE)
    for param in ("apres", "avant"):
        page = paginate(rf.get("/", {param: raw}), rows, size=SIZE)
        assert [r.pk for r in page.rows] == [r.pk for r in first.rows]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("", "first"), ("1", "first"), ("abc", "first"), ("-3", "first"), ("٣", "first"), ("2", "second")],
)
def test_old_links_by_page_number_still_open(rf, rows, raw, shown):
    order = expected(list(rows), NEWEST_FIRST)
    page = paginate(rf.get("/", {"page": raw}), rows, size=SIZE)
    assert [r.pk for r in page.rows] == (order[:SIZE] if shown == "first" else order[SIZE : 2 * SIZE])
    if shown == "second":
        following = paginate(rf.get("/", {"apres": page.next_cursor}), rows, size=SIZE)
        assert [r.pk for r in following.rows] == order[2 * SIZE : 3 * SIZE]


@pytest.mark.parametrize("raw", [str(MAX_PAGE + 1), "99999999999999999999999999"])
def test_a_page_number_too_far_asks_to_start_again(rf, rows, raw):
    page = paginate(rf.get("/", {"page": raw}), rows, size=SIZE)
    assert page.beyond_the_end and page.rows == [] and not page.has_next


def test_windows_find_the_newest_first_and_widen(rf, rows):
    """Looked for in the last hour first: not enough there, the next window, then everywhere."""
    order = expected(list(rows), NEWEST_FIRST)
    windows = (timedelta(minutes=30), timedelta(hours=2))
    with CaptureQueriesContext(connection) as queries:
        page = paginate(rf.get("/"), rows, size=SIZE, windows=windows)
    assert [r.pk for r in page.rows] == order[:SIZE]
    assert len(queries) == 2  # 3 rows in the last half hour; 9 in the last two hours: enough
    assert walk(rf, rows, NEWEST_FIRST) == order
