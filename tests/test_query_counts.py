"""Every page that lists things makes as many queries for eight rows as for
two: nothing is fetched row by row (the N+1 that makes a page of 25 cost 26
round trips). Each case builds `n` rows of its list, the page is asked for
twice, and the queries of the second ask (caches warm) are counted.

A list page added to the site gets its case here (LIST_PAGES).
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from companies.models import AccessLevel, Company, CompanyAccess
from inspections.lifecycle import inspection_launch
from notifications.models import Frequency, Subscription
from reports.models import Comment, Rating, ReportStatus, Response, ResponseKind, Review, ReviewAbout, Tag

from .accounts.factories import UserFactory
from .companies.factories import CompanyFactory, WebsiteFactory, siret_for
from .reports.factories import ReportFactory, company_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]


@dataclass
class World:
    agent: Any
    pro: Any
    company: Any


@pytest.fixture
def world():
    company = CompanyFactory(legal_name="MAGASIN TEMOIN", department="13")
    return World(agent=UserFactory(agent=True, departments=["13"]), pro=company_user(company), company=company)


def reports_of(w, n, **fields):
    return [ReportFactory(company=w.company, **fields) for _ in range(n)]


def answered(w, n):
    for report in reports_of(w, n, status=ReportStatus.PROMISED):
        Response.objects.create(
            report=report,
            kind=ResponseKind.ACCEPTED,
            reason="remboursement",
            message="Nous vous remboursons.",
            engagement_due_at=timezone.now() + timedelta(days=21),
        )
        Review.objects.create(report=report, about=ReviewAbout.ANSWER, rating=Rating.POSITIVE)


def tagged(w, n):
    tag, _ = Tag.objects.get_or_create(slug="produit-dangereux", defaults={"label_fr": "Produit dangereux"})
    for report in reports_of(w, n):
        report.tags.add(tag)


def establishments(w, n):
    made = Company.objects.filter(siren=w.company.siren).count()
    for i in range(made, made + n):
        other = CompanyFactory(siren=w.company.siren, siret=siret_for(w.company.siren, 10 + i), is_head_office=False)
        ReportFactory(company=other)


def colleagues(w, n):
    for _ in range(n):
        company_user(w.company, level=AccessLevel.MEMBER)


def companies_of_the_pro(w, n):
    for _ in range(n):
        CompanyAccess.objects.create(company=CompanyFactory(), user=w.pro, level=AccessLevel.ADMIN)


def without_users(w, n):
    for _ in range(n):
        ReportFactory(company=CompanyFactory(department="13"))


def matching_companies(w, n):
    for i in range(n):
        ReportFactory(company=CompanyFactory(legal_name=f"TEMOIN NUMERO {i}"))


def websites(w, n):
    for _ in range(n):
        ReportFactory(website=WebsiteFactory(), company=None, status=ReportStatus.NOT_SENT, expires_at=None)


def subscriptions(w, n):
    for i in range(n):
        Subscription.objects.create(
            user=w.agent, email=w.agent.email, name=f"Suivi {i}", frequency=Frequency.DAILY, filters={}
        )


def comments(w, n):
    for i in range(n):
        Comment.objects.create(report=the_report(w), user=w.agent, text=f"Vu {i}")


def inspections(w, n):
    for _ in range(n):
        company = CompanyFactory()
        inspection_launch(
            company=company, user=w.agent, planned_on=timezone.localdate(), reports=[ReportFactory(company=company)]
        )


def candidate_companies(w, n):
    for _ in range(n):
        company = CompanyFactory()
        ReportFactory(company=company), ReportFactory(company=company, read=True)


def the_inspection(w):
    if not hasattr(w, "inspection"):
        w.inspection = inspection_launch(company=w.company, user=w.agent, planned_on=timezone.localdate())
    return w.inspection


def linked_reports(w, n):
    inspection = the_inspection(w)
    for _ in range(n):
        inspection.reports.add(ReportFactory(company=w.company))


@dataclass(frozen=True)
class ListPage:
    url: Callable[[World], str]
    who: str  # "agent", "pro", "consumer"
    rows: Callable[[World, int], None]


def the_report(w):
    if not hasattr(w, "report"):
        w.report = ReportFactory(company=w.company)
    return w.report


LIST_PAGES = {
    "agents:search": ListPage(lambda w: reverse("agents:search"), "agent", reports_of),
    "agents:search by a word": ListPage(lambda w: reverse("agents:search") + "?texte=prix", "agent", reports_of),
    "agents:search answered": ListPage(lambda w: reverse("agents:search") + "?avis=positive", "agent", answered),
    "agents:home": ListPage(lambda w: reverse("agents:home"), "agent", tagged),
    "agents:company": ListPage(lambda w: reverse("agents:company", args=[w.company.siret]), "agent", establishments),
    "agents:companies": ListPage(lambda w: reverse("agents:companies") + "?q=temoin", "agent", matching_companies),
    "agents:most_reported": ListPage(lambda w: reverse("agents:most_reported"), "agent", matching_companies),
    "agents:companies_to_activate": ListPage(
        lambda w: reverse("agents:companies_to_activate"), "agent", without_users
    ),
    "agents:websites": ListPage(lambda w: reverse("agents:websites"), "agent", websites),
    "agents:subscriptions": ListPage(lambda w: reverse("agents:subscriptions"), "agent", subscriptions),
    "agents:report": ListPage(lambda w: reverse("agents:report", args=[the_report(w).reference]), "agent", comments),
    "inspections:list": ListPage(lambda w: reverse("inspections:list"), "agent", inspections),
    "inspections:export": ListPage(lambda w: reverse("inspections:export"), "agent", inspections),
    "inspections:candidates": ListPage(lambda w: reverse("inspections:candidates"), "agent", candidate_companies),
    "inspections:figures": ListPage(lambda w: reverse("inspections:figures"), "agent", inspections),
    "inspections:detail": ListPage(
        lambda w: reverse("inspections:detail", args=[the_inspection(w).pk]), "agent", linked_reports
    ),
    "pro:reports": ListPage(lambda w: reverse("pro:reports"), "pro", reports_of),
    "pro:reports closed": ListPage(lambda w: reverse("pro:reports") + "?onglet=clos", "pro", answered),
    "pro:reports of a head office": ListPage(lambda w: reverse("pro:reports"), "pro", establishments),
    "pro:engagements": ListPage(lambda w: reverse("pro:engagements"), "pro", answered),
    "pro:accesses": ListPage(lambda w: reverse("pro:accesses", args=[w.company.siret]), "pro", colleagues),
    "pro:settings": ListPage(lambda w: reverse("pro:settings"), "pro", companies_of_the_pro),
    "pro:figures": ListPage(lambda w: reverse("pro:figures"), "pro", answered),
    "statistics": ListPage(lambda w: reverse("statistics"), "anonymous", reports_of),
}


def queries_for(client, w, case: ListPage, n: int) -> tuple[int, list[str]]:
    case.rows(w, n)
    url = case.url(w)
    user = {"agent": w.agent, "pro": w.pro}.get(case.who)
    if user is not None:
        client.force_login(user)
    assert client.get(url).status_code == 200  # caches warm: the session, the categories
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured]


@pytest.mark.parametrize("name", list(LIST_PAGES))
def test_a_list_page_makes_as_many_queries_for_more_rows(client, world, name):
    case = LIST_PAGES[name]
    few, _ = queries_for(client, world, case, 2)
    many, sql = queries_for(client, world, case, 6)  # 8 rows now
    assert many == few, f"{name}: {few} queries for 2 rows, {many} for 8:\n" + "\n".join(sql)


def test_every_list_page_is_here():
    """Each URL whose view pages through a list (signalconso.pagination) has a case."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def patterns(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from patterns(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}{entry.name}", entry.callback

    paged = {name for name, view in patterns(get_resolver()) if "paginate(" in inspect.getsource(inspect.unwrap(view))}
    assert paged >= {"agents:search", "pro:reports", "pro:engagements", "agents:company"}
    assert paged - {name.split(" ")[0] for name in LIST_PAGES} == set()
