import pytest
from django.utils import timezone

from reports.categories import load_categories
from reports.models import EmailVerification


@pytest.fixture
def categories():
    """The category tree the service ships."""
    load_categories()


@pytest.fixture
def verified_addresses():
    """Addresses that proved themselves earlier this year;
    test_verification.py walks the code step itself."""
    for email in ("paule@example.fr", "autre@example.fr", "spam@example.fr"):
        EmailVerification.objects.create(
            email=email, code_hash="-", sent_at=timezone.now(), verified_at=timezone.now()
        )
