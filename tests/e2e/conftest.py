"""Browser journeys: Playwright drives Debian's Chromium against a live server.

No browser is ever downloaded: CHROMIUM_PATH (default /usr/bin/chromium) must
exist. In CI its absence is a failure.
"""

import os
from pathlib import Path

import pytest

from ..conftest import skip_or_fail

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make there (creating users) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM_PATH).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM_PATH} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def assert_accessible():
    """Runs axe-core on the page as it is now; fails listing every WCAG 2.1 A/AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


@pytest.fixture
def market():
    """The category tree and one shop to report."""
    from reports.categories import load_categories

    from ..companies.factories import CompanyFactory

    load_categories()
    return CompanyFactory(
        legal_name="HYPERMARCHES DU SUD", brand="SUPER PRIX", postal_code="13008", city="MARSEILLE", department="13"
    )
