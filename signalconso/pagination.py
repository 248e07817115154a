"""Paging through a list without counting it: one row more than the page is
read to tell whether there is a next one. Counting millions of reports on
every page would cost more than showing them.

The page number comes from the query string as anybody typed it: anything
but a plain number means the first page, and a page beyond MAX_PAGE shows
nothing rather than asking the database for an absurd offset.
"""

from dataclasses import dataclass

from django.http import HttpRequest

MAX_PAGE = 1000


def page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    if not (raw.isascii() and raw.isdigit()):
        return 1
    if len(raw) > len(str(MAX_PAGE)):
        return MAX_PAGE + 1
    return max(int(raw), 1)


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    has_next: bool
    # The query string without its page, for the links to the other pages.
    query: str

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def beyond_the_end(self) -> bool:
        """A page asked for past MAX_PAGE: the list should be narrowed instead."""
        return self.number > MAX_PAGE


def paginate(request: HttpRequest, rows, *, size: int) -> Page:
    """The page of `rows` (a queryset, ordered) that the request asks for."""
    number = page_number(request)
    query = request.GET.copy()
    query.pop("page", None)
    if number > MAX_PAGE:
        return Page(rows=[], number=number, has_next=False, query=query.urlencode())
    window = list(rows[(number - 1) * size : number * size + 1])
    return Page(rows=window[:size], number=number, has_next=len(window) > size, query=query.urlencode())
