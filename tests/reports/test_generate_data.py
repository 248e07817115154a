"""The benchmarks' data generator (manage.py generate_data), with tiny numbers."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from reports.categories import load_categories
from reports.management.commands.generate_data import BIG_SIREN
from reports.models import Attachment, Report, ReportStatus, Response, Review

pytestmark = pytest.mark.django_db


def test_generate_data_spreads_reports_as_in_real_life():
    load_categories()
    call_command("generate_data", reports=3000, companies=300, verbosity=0)

    reports = Report.objects.all()
    assert reports.count() == 3000
    statuses = set(reports.values_list("status", flat=True))
    assert {ReportStatus.NOT_SENT, ReportStatus.PROMISED, ReportStatus.CLOSED_UNREAD} <= statuses
    assert {ReportStatus.CLOSED_UNANSWERED, ReportStatus.REJECTED} <= statuses
    oldest = reports.order_by("created_at").first().created_at
    assert timezone.now() - oldest > timedelta(days=3 * 365)
    assert timezone.now() - oldest < timedelta(days=5 * 366)
    # Old reports are settled; only recent ones still wait for the company.
    waiting = reports.filter(status__in=[ReportStatus.SENT, ReportStatus.READ])
    assert not waiting.filter(created_at__lt=timezone.now() - timedelta(days=61)).exists()
    # The company with the most reports is the big one (its head office and establishments).
    by_siren = list(reports.exclude(company=None).values("company__siren").annotate(n=Count("pk")).order_by("-n")[:2])
    assert by_siren[0]["company__siren"] == BIG_SIREN
    assert by_siren[0]["n"] > by_siren[1]["n"]
    assert reports.filter(share_identity=False).count() > 0.65 * 3000
    assert Response.objects.count() > 300
    assert Review.objects.exists() and Attachment.objects.exists()
    assert reports.exclude(phone="").values("phone").distinct().count() < reports.exclude(phone="").count()
    assert reports.exclude(website=None).exists()
    # Every answered report's status says so, and no report waiting has an answer.
    assert not Response.objects.filter(report__status__in=[ReportStatus.SENT, ReportStatus.NOT_SENT]).exists()
    assert reports.filter(description__icontains="commande").count() > 0.05 * 3000


# --replace truncates the tables: on PostgreSQL that needs no deferred
# constraint pending, so outside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_generate_data_refuses_to_add_to_existing_reports():
    load_categories()
    call_command("generate_data", reports=50, companies=20, verbosity=0)
    with pytest.raises(Exception, match="--replace"):
        call_command("generate_data", reports=50, verbosity=0)
    call_command("generate_data", reports=40, replace=True, verbosity=0)
    assert Report.objects.count() == 40
