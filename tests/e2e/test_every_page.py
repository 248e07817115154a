"""Each kind of page that no journey reaches, and the pages of each space with
their filters open and in error: axe-core finds no WCAG 2.1 A/AA violation
in the light theme nor in the dark one, and no page scrolls sideways at
375 px nor at 1280 px (the `assert_accessible` fixture does all three).

The journeys check the pages they walk through (the wizard's steps with and
without errors, the follow-up, the pro's answer, the agents' login); this
file visits the rest, in one browser per audience: a failure lists every
page that fails, not only the first."""

import pytest
from django.core.exceptions import SuspiciousOperation

from reports.models import Export, ExportStatus

from ..permissions_world import build_world
from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sweep(page, base, assert_accessible, pages):
    """Visits each (path, status[, action]); the action puts the page in the state to check."""
    problems = []
    for path, status, *action in pages:
        try:
            response = page.goto(base + path)
            assert response.status == status, f"{path} answered {response.status}, not {status}"
            if action:
                action[0](page)
            assert page.locator("h1").count() == 1, f"{path}: not one <h1>"
            assert_accessible(page)
        except AssertionError as error:
            problems.append(f"{path}: {error}")
    assert not problems, "\n\n".join(problems)


def submit_empty_answer(page):
    page.get_by_role("button", name="Prévisualiser ma réponse").click()
    page.wait_for_load_state()
    assert page.locator(".fr-fieldset--error, .fr-input-group--error, .fr-select-group--error").count() > 0


def open_filters(page):
    page.locator("summary", has_text="Filtrer").click()
    assert page.locator("details[open]").count() == 1


@pytest.fixture
def world():
    return build_world()


def test_public_pages(live_server, page, assert_accessible, world):
    sweep(
        page,
        live_server.url,
        assert_accessible,
        [
            ("/accessibilite/", 200),
            ("/mentions-legales/", 200),
            ("/conditions-generales-d-utilisation/", 200),
            ("/donnees-personnelles/", 200),
            ("/securite/", 200),
            ("/en/compte/connexion/", 200),
            ("/compte/mot-de-passe/oublie/", 200),
            (f"/pro/activer/{world.activation_token}/", 200),
            ("/page-qui-n-existe-pas/", 404),
        ],
    )


def test_error_pages(live_server, page, assert_accessible, monkeypatch, world):
    """400 and 500 as Django's handlers draw them, from a view made to fail;
    403 as an agent who is no administrator gets it."""

    def failing_with(error):
        def render(*args, **kwargs):
            raise error

        return render

    monkeypatch.setattr("signalconso.views.render", failing_with(SuspiciousOperation("test")))
    sweep(page, live_server.url, assert_accessible, [("/mentions-legales/", 400)])
    assert page.locator("h1").inner_text() == "Demande incorrecte"
    monkeypatch.setattr("signalconso.views.render", failing_with(RuntimeError("test")))
    sweep(page, live_server.url, assert_accessible, [("/mentions-legales/", 500)])
    assert page.locator("h1").inner_text() == "Le service a rencontré une erreur"
    monkeypatch.undo()
    sign_in(page, live_server.url, world.user("agent"))
    sweep(page, live_server.url, assert_accessible, [("/agents/inviter/", 403)])
    assert page.locator("h1").inner_text() == "Accès refusé"


def test_the_pros_pages(live_server, page, assert_accessible, world):
    sign_in(page, live_server.url, world.user("pro_admin"))
    sweep(
        page,
        live_server.url,
        assert_accessible,
        [
            ("/pro/", 200, open_filters),
            ("/pro/?onglet=tous&q=prix", 200),
            ("/pro/?depuis=pas-une-date", 400),
            (f"/pro/signalements/{world.report.reference}/", 200),
            (f"/pro/signalements/{world.report.reference}/", 200, submit_empty_answer),
            ("/pro/engagements/", 200),
            ("/pro/chiffres/", 200),
            ("/pro/parametres/", 200),
            (f"/pro/entreprises/{world.e1.siret}/acces/", 200),
            ("/compte/", 200),
        ],
    )


def test_the_agents_pages(live_server, page, assert_accessible, world):
    agent = world.user("agent")
    pending = Export.objects.create(user=agent, kind="xlsx", status=ExportStatus.PENDING)
    sign_in(page, live_server.url, agent)
    sweep(
        page,
        live_server.url,
        assert_accessible,
        [
            ("/agents/", 200),
            ("/agents/signalements/", 200),
            ("/agents/signalements/?texte=prix", 200),
            ("/agents/signalements/?depuis=pas-une-date", 400),
            (f"/agents/signalements/{world.report.reference}/", 200),
            ("/agents/entreprises/", 200),
            (f"/agents/entreprises/{world.e1.siret}/", 200),
            (f"/agents/exports/{pending.pk}/", 200),
            (f"/agents/exports/{world.export.pk}/", 200),
            ("/agents/abonnements/", 200),
            ("/agents/controles/", 200),
            ("/agents/controles/?depuis=pas-une-date", 400),
            ("/agents/controles/ou-controler/", 200),
            ("/agents/controles/chiffres/", 200),
            (f"/agents/controles/{world.inspection.pk}/", 200),
            (f"/agents/controles/lancer/?signalement={world.report.reference}", 200),
        ],
    )


def test_the_administrators_pages(live_server, page, assert_accessible, world):
    sign_in(page, live_server.url, world.user("admin"))
    sweep(
        page,
        live_server.url,
        assert_accessible,
        [
            (f"/agents/signalements/{world.closed.reference}/", 200),
            ("/agents/inviter/", 200),
            ("/agents/sites/", 200),
            ("/agents/entreprises/a-activer/", 200),
            ("/agents/entreprises/plus-signalees/", 200),
            (f"/agents/courriers/{world.batch.pk}/", 200),
        ],
    )
