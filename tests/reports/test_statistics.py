"""The public statistics on a known dataset: every figure equals the one
computed by hand; the page reads a snapshot only (its number of queries does
not grow with the reports); the JSON and the CSV say what the page says."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains

from reports.models import ReportStatus, Response, Review, StatisticsSnapshot
from reports.statistics import snapshot as statistics

from .factories import ReportFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))
FILED = NOW - timedelta(days=60)


@pytest.fixture
def dataset():
    """Five settled reports and a young one:
    A not sent; B sent, unread; C read after 2 days, no answer;
    D read after 1 day, accepted after 3 days, rated positive;
    E read after 4 days, rejected after 10 days, not rated; F sent 10 days ago."""
    with time_machine.travel(FILED, tick=False):
        ReportFactory(status=ReportStatus.NOT_SENT, company=None, expires_at=None)  # A
        ReportFactory(status=ReportStatus.CLOSED_UNREAD)  # B
        ReportFactory(status=ReportStatus.CLOSED_UNANSWERED, read_at=FILED + timedelta(days=2))  # C
        d = ReportFactory(status=ReportStatus.PROMISED, read_at=FILED + timedelta(days=1))
        e = ReportFactory(status=ReportStatus.REJECTED, read_at=FILED + timedelta(days=4))
    for report, kind, days in ((d, "accepted", 3), (e, "rejected", 10)):
        with time_machine.travel(FILED + timedelta(days=days), tick=False):
            Response.objects.create(report=report, kind=kind, reason="autre", message="…")
    Review.objects.create(report=d, about="answer", rating="positive")
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        ReportFactory()  # F


def test_every_figure_equals_the_hand_computed_one(dataset):
    with time_machine.travel(NOW, tick=False):
        data = statistics.compute()
    figures = data["figures"]
    assert figures["reports_total"]["count"] == 6
    assert figures["reports_last_30_days"]["count"] == 1
    assert figures["sent_share"] == {"numerator": 4, "denominator": 5, "percent": 80.0}
    assert figures["read_rate"] == {"numerator": 3, "denominator": 4, "percent": 75.0}
    assert figures["response_rate"] == {"numerator": 2, "denominator": 3, "percent": 66.7}
    assert figures["promise_share"] == {"numerator": 1, "denominator": 2, "percent": 50.0}
    # Read after 1, 2 and 4 days: median 2; 90th percentile 2 + (4 - 2) × 0.8.
    assert figures["delay_to_read"] == {"count": 3, "median_days": 2.0, "p90_days": 3.6}
    # Answered after 3 and 10 days: median 6.5; 90th percentile 3 + 7 × 0.9.
    assert figures["delay_to_answer"] == {"count": 2, "median_days": 6.5, "p90_days": 9.3}
    assert figures["ratings"] == {"answered": 2, "positive": 1, "neutral": 0, "negative": 0, "unrated": 1}
    assert data["categories"] == [
        {
            "category": "Le prix payé n’est pas le prix affiché",
            "filed": 5,
            "read_rate": {"numerator": 3, "denominator": 4, "percent": 75.0},
            "response_rate": {"numerator": 2, "denominator": 3, "percent": 66.7},
        }
    ]
    assert data["monthly"] == [
        {
            "month": "2026-09",
            "filed": 5,
            "read_rate": {"numerator": 3, "denominator": 4, "percent": 75.0},
            "response_rate": {"numerator": 2, "denominator": 3, "percent": 66.7},
        },
        {"month": "2026-11", "filed": 1, "read_rate": None, "response_rate": None},
    ]
    assert data["version"] == statistics.METRICS_VERSION


def page(client):
    return client.get(reverse("statistics"))


def test_the_page_reads_the_snapshot_only(client, dataset):
    with time_machine.travel(NOW, tick=False):
        statistics.statistics_refresh()
    with CaptureQueriesContext(connection) as few:
        page(client)
    for _ in range(20):
        ReportFactory()
    with CaptureQueriesContext(connection) as many:
        response = page(client)
    assert len(many) == len(few)
    assert not any("reports_report" in q["sql"] for q in many.captured_queries)
    assertContains(response, "mis à jour le 22 novembre 2026")
    assertContains(response, "plus de 30 jours")
    # Still the snapshot's figures: the new reports wait for the next one.
    assertContains(response, "<strong>6</strong>")


def test_json_and_csv_say_what_the_page_says(client, dataset):
    with time_machine.travel(NOW, tick=False):
        statistics.statistics_refresh()
    html = page(client).content.decode()
    data = client.get(reverse("statistics_json")).json()
    assert data["figures"]["read_rate"] == {"numerator": 3, "denominator": 4, "percent": 75.0}
    assert "<strong>75.0 %</strong>" in html or "<strong>75,0 %</strong>" in html
    assert "3 sur 4" in html and "2 sur 3" in html and "4 sur 5" in html
    rows = {
        row["metric"]: row
        for row in csv.DictReader(
            io.StringIO(client.get(reverse("statistics_csv", args=["indicateurs"])).content.decode())
        )
    }
    for key in ("sent_share", "read_rate", "response_rate", "promise_share"):
        rate = data["figures"][key]
        assert rows[key]["value_or_numerator"] == str(rate["numerator"])
        assert rows[key]["denominator"] == str(rate["denominator"])
        assert rows[key]["percent"] == str(rate["percent"])
    assert rows["delay_to_answer_median_days"]["value_or_numerator"] == "6.5"
    assert rows["ratings_unrated"]["value_or_numerator"] == "1"
    monthly = list(
        csv.DictReader(io.StringIO(client.get(reverse("statistics_csv", args=["mensuel"])).content.decode()))
    )
    assert [(m["month"], m["filed"], m["read_rate_percent"]) for m in monthly] == [
        ("2026-09", "5", "75.0"),
        ("2026-11", "1", ""),
    ]
    categories = client.get(reverse("statistics_csv", args=["categories"])).content.decode()
    assert "Le prix payé n’est pas le prix affiché,5,3,4,75.0,2,3,66.7" in categories
    assert client.get("/api/statistiques/inconnu.csv").status_code == 404


def test_without_a_snapshot_one_is_made(client):
    assert not StatisticsSnapshot.objects.exists()
    response = page(client)
    assert response.status_code == 200
    assert StatisticsSnapshot.objects.count() == 1  # tasks run eagerly here


def test_the_method_page_gives_the_version_and_the_caveats(client):
    response = client.get(reverse("statistics_method"))
    assertContains(response, f"version {statistics.METRICS_VERSION}")
    assertContains(response, "pas un échantillon statistique")
    assertContains(response, "ne sont pas publiés")


def test_refreshing_keeps_a_day_of_snapshots(dataset):
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        statistics.statistics_refresh()
    with time_machine.travel(NOW, tick=False):
        statistics.statistics_refresh()
    assert StatisticsSnapshot.objects.count() == 1


def test_the_charts_coordinates_are_numbers_in_any_language(client, dataset):
    import re

    with time_machine.travel(NOW, tick=False):
        statistics.statistics_refresh()
    for url in (reverse("statistics"), "/en/statistiques/"):
        html = client.get(url).content.decode()
        rects = re.findall(r'<rect x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"', html)
        assert len(rects) == 2  # the two months
        values = [v for rect in rects for v in rect]
        values += re.findall(r'<(?:line|circle|text)[^>]* (?:x1|y1|cx|cy|y)="([^"]+)"', html)
        values += re.findall(r'<polyline points="([^"]+)"', html)[0].replace(",", " ").split()
        assert values and all(re.fullmatch(r"\d+(\.\d+)?", v) for v in values), values


def test_the_snapshot_reads_the_reports_twice_whatever_their_number(dataset):
    """One pass for every count, one for the delays: at two million reports,
    each pass is what the snapshot costs."""
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        statistics.compute()
    assert sum("reports_report" in q["sql"] for q in queries.captured_queries) == 2


def test_a_second_review_of_the_same_report_counts_it_once(dataset):
    promised = Review.objects.get().report
    Review.objects.create(report=promised, about="engagement", rating="negative")
    with time_machine.travel(NOW, tick=False):
        figures = statistics.compute()["figures"]
    assert figures["reports_total"]["count"] == 6
    assert figures["promise_share"] == {"numerator": 1, "denominator": 2, "percent": 50.0}
    assert figures["ratings"] == {"answered": 2, "positive": 1, "neutral": 0, "negative": 0, "unrated": 1}
