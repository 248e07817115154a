"""The read replica (signalconso/db.py), against a second PostgreSQL database:
in the tests it is empty, so a read that reaches it finds nothing where the
primary holds a report. .ci/run sets DATABASE_REPLICA_URL."""

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.agents import exports
from reports.models import Export, ExportKind
from reports.statistics.snapshot import compute
from signalconso.db import REPLICA, reads

from ..conftest import skip_or_fail
from ..reports.factories import ReportFactory

HAS_REPLICA = REPLICA in settings.DATABASES
pytestmark = [
    pytest.mark.replica,
    pytest.mark.django_db(databases=["default", REPLICA] if HAS_REPLICA else ["default"]),
    pytest.mark.usefixtures("categories"),
]


@pytest.fixture(autouse=True)
def _replica():
    if not HAS_REPLICA:
        skip_or_fail("set DATABASE_REPLICA_URL to a second PostgreSQL database")


@pytest.fixture
def report():
    return ReportFactory(department="83", description="Un grille-pain qui prend feu")


def test_the_agents_search_reads_the_replica(client, agent_user, report, settings):
    client.force_login(agent_user)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        page = client.get(reverse("agents:search"), {"departements": "83"})
    assert page.status_code == 200
    assert report.reference not in page.content.decode()
    assert any("reports_report" in query["sql"] for query in on_replica.captured_queries)

    settings.READ_REPLICA_ENABLED = False
    assert reads() == "default"
    assert report.reference in client.get(reverse("agents:search"), {"departements": "83"}).content.decode()


def test_an_export_reads_its_rows_from_the_replica_and_writes_to_the_primary(agent_user, report, settings):
    export = Export.objects.create(user=agent_user, kind=ExportKind.XLSX, query="departements=83")
    exports.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert (export.status, export.rows) == ("done", 0)
    assert not Export.objects.using(REPLICA).exists()

    settings.READ_REPLICA_ENABLED = False
    again = Export.objects.create(user=agent_user, kind=ExportKind.XLSX, query="departements=83")
    exports.export_build(export_id=again.pk)
    again.refresh_from_db()
    assert again.rows == 1


def test_the_statistics_count_the_replicas_reports(report, settings):
    assert compute()["figures"]["reports_total"]["count"] == 0
    settings.READ_REPLICA_ENABLED = False
    assert compute()["figures"]["reports_total"]["count"] == 1
