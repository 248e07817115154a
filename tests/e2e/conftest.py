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
def new_page(browser):
    """Opens a page in a browser of its own (its own cookies): one per person
    of a story. Options go to browser.new_context (java_script_enabled=False…)."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(
            **{"locale": "fr-FR", "viewport": {"width": 1280, "height": 900}, "accept_downloads": True, **options}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


# The widths every page must fit without scrolling sideways: a small phone, a laptop.
WIDTHS = (375, 1280)

# What sticks out past the window, for the failure's message.
SIDEWAYS = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > width + 1);
    const deepest = wide.filter(e => !wide.some(other => other !== e && e.contains(other)));
    return {
        scroll: document.documentElement.scrollWidth,
        window: window.innerWidth,
        culprits: deepest.slice(0, 5).map(e => e.outerHTML.slice(0, 160)),
    };
}"""


def sideways_scroll(page) -> str:
    """'' when the page fits its window; else by how much, and what sticks out."""
    found = page.evaluate(SIDEWAYS)
    if found["scroll"] <= found["window"]:
        return ""
    return f"{found['scroll']} px wide in a {found['window']} px window: " + " | ".join(found["culprits"])


def assert_fits(page):
    """At each of WIDTHS the page does not scroll sideways; the window is put back as it was."""
    viewport = page.viewport_size
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": viewport["height"]})
        if problem := sideways_scroll(page):
            problems.append(f"at {width} px: {problem}")
    page.set_viewport_size(viewport)
    assert not problems, f"{page.url}\n" + "\n".join(problems)


def set_scheme(page, scheme: str):
    """The site follows the system's scheme (data-fr-scheme="system"): the
    design system's script sets data-fr-theme from it, which the styles read.
    A page drawn without that script (bare.html: the 500 and CSRF pages) gets
    the attribute set here, as the script would."""
    page.emulate_media(color_scheme=scheme)
    if page.evaluate("typeof window.dsfr === 'undefined'"):
        page.evaluate("s => document.documentElement.setAttribute('data-fr-theme', s)", scheme)
    page.wait_for_function("s => document.documentElement.dataset.frTheme === s", arg=scheme)


@pytest.fixture
def assert_accessible():
    """Checks the page as it is now: axe-core finds no WCAG 2.1 A/AA violation
    in the light theme nor in the dark one, and the page does not scroll
    sideways at 375 px nor at 1280 px. Fails listing every problem."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        problems = []
        for scheme in ("dark", "light"):
            set_scheme(page, scheme)
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            if results.violations_count:
                problems.append(f"{scheme} theme:\n{results.generate_report()}")
        try:
            assert_fits(page)
        except AssertionError as error:
            problems.append(str(error))
        assert not problems, f"{page.url}\n" + "\n".join(problems)

    return check


def sign_in(page, base_url: str, user):
    """The page's browser holds a session of the user, as after the login and
    its second factor (tests of the login itself go through its pages)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


@pytest.fixture
def market():
    """The category tree and one shop to report."""
    from reports.categories import load_categories

    from ..companies.factories import CompanyFactory

    load_categories()
    return CompanyFactory(
        legal_name="HYPERMARCHES DU SUD", brand="SUPER PRIX", postal_code="13008", city="MARSEILLE", department="13"
    )
