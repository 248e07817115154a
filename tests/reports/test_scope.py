"""The scope functions themselves, for the cases mutation testing
(`make mutation`, docs/testing.md) found no other test to tell apart."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from reports.models import Attachment, Report, Tag
from reports.wizard.links import LINK_LIFETIME, follow_up_link, follow_up_token
from signalconso.audit import ActorKind

from ..accounts.factories import UserFactory
from .factories import ReportFactory

pytestmark = pytest.mark.django_db


def test_a_deactivated_agent_reads_nothing():
    ReportFactory()
    assert Report.objects.visible_to(UserFactory(agent=True, is_active=False)).count() == 0
    assert Report.objects.visible_to(UserFactory(agent=True)).count() == 1


def test_a_food_safety_agent_reads_only_food_and_hygiene_reports():
    food = ReportFactory()
    food.tags.add(Tag.objects.get_or_create(slug="alimentation", defaults={"label_fr": "Alimentation"})[0])
    other = ReportFactory()
    other.tags.add(Tag.objects.get_or_create(slug="banque", defaults={"label_fr": "Banque"})[0])
    ReportFactory()  # no tag at all
    assert list(Report.objects.visible_to(UserFactory(food_safety_agent=True))) == [food]


def test_a_clean_file_with_nothing_stored_is_never_served():
    report = ReportFactory()
    fields = {"report": report, "origin": ActorKind.CONSUMER, "extension": "pdf", "content_type": "application/pdf"}
    stored = Attachment(name="a.pdf", size=3, scan_state="clean", **fields)
    stored.file.save("a", ContentFile(b"pdf"), save=True)
    Attachment.objects.create(name="vide.pdf", size=0, scan_state="clean", **fields)  # its file was purged
    assert list(Attachment.objects.servable()) == [stored]


def test_a_reports_link_lasts_a_year_from_its_filing_not_from_its_sending():
    report = ReportFactory()
    filed = timezone.now() - timedelta(days=200)
    Report.objects.filter(pk=report.pk).update(created_at=filed)
    report.refresh_from_db()
    assert follow_up_link(follow_up_token(report)).expired is False
    token = follow_up_token(report)
    # Readable until the filing's day a year later, not a year from today.
    assert token == follow_up_token(report, until=timezone.localtime(filed).date() + LINK_LIFETIME)
