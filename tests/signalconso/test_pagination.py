"""Paging without counting, whatever the page number says."""

import pytest

from signalconso.pagination import MAX_PAGE, paginate


@pytest.mark.parametrize(
    ("raw", "number", "rows"),
    [
        ("", 1, [0, 1, 2]),
        ("2", 2, [3, 4, 5]),
        ("abc", 1, [0, 1, 2]),
        ("-3", 1, [0, 1, 2]),
        ("0", 1, [0, 1, 2]),
        ("٣", 1, [0, 1, 2]),  # a digit, but not one of ours
        ("99999999999999999999999999", MAX_PAGE + 1, []),
        (str(MAX_PAGE + 1), MAX_PAGE + 1, []),
    ],
)
def test_any_page_number_gives_a_page(rf, raw, number, rows):
    page = paginate(rf.get("/", {"page": raw, "q": "x"}), list(range(10)), size=3)
    assert (page.number, page.rows) == (number, rows)
    assert page.query == "q=x"


def test_the_next_page_is_known_without_counting(rf):
    assert paginate(rf.get("/", {"page": "3"}), list(range(9)), size=3).has_next is False
    assert paginate(rf.get("/", {"page": "3"}), list(range(10)), size=3).has_next is True
    page = paginate(rf.get("/", {"page": str(MAX_PAGE + 5)}), list(range(10)), size=3)
    assert page.beyond_the_end and not page.has_next
