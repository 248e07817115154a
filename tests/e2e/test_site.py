import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_and_is_accessible(live_server, page, assert_accessible):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.title() == "Accueil — SignalConso"
    assert page.locator("h1").count() == 1
    # The design system's stylesheet is served and applied.
    assert page.locator("header.fr-header").evaluate("e => getComputedStyle(e).display") != "inline"
    assert_accessible(page)


def test_the_language_switch_works_both_ways(live_server, page, assert_accessible):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="English").first.click()
    page.wait_for_url(live_server.url + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "A problem with a company? Report it."
    assert_accessible(page)
    page.get_by_role("link", name="Français").first.click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Un problème avec une entreprise ? Signalez-le."


def test_skip_link_is_the_first_stop_and_leads_to_the_content(live_server, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_login_by_keyboard_with_an_error_first(live_server, page, assert_accessible, pro_user, password):
    page.goto(live_server.url + "/compte/connexion/")
    # The address field has the focus on arrival.
    page.keyboard.type(pro_user.email)
    page.keyboard.press("Tab")
    page.keyboard.type("pas-le-bon-mot-de-passe")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Adresse électronique ou mot de passe incorrect" in page.locator("main").inner_text()
    assert page.title().startswith("Erreur")
    assert page.get_by_label("Adresse électronique").input_value() == pro_user.email
    assert_accessible(page)

    page.get_by_label("Mot de passe").fill(password)
    page.get_by_label("Mot de passe").press("Enter")
    # A professional lands on their companies' reports.
    page.wait_for_url(live_server.url + "/pro/")
    assert page.locator("h1").inner_text() == "Les signalements de vos entreprises"
    assert_accessible(page)

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="Espace professionnels et agents").first.is_visible()


def test_a_field_error_is_tied_to_its_field(live_server, page, assert_accessible):
    page.goto(live_server.url + "/compte/mot-de-passe/oublie/")
    page.get_by_label("Adresse électronique").fill("pas-une-adresse")
    page.get_by_role("button", name="Recevoir le lien").click()
    page.wait_for_load_state()
    field = page.get_by_label("Adresse électronique")
    assert field.get_attribute("aria-invalid") == "true"
    described_by = field.get_attribute("aria-describedby").split()
    messages = " ".join(page.locator(f"#{i}").inner_text() for i in described_by)
    assert "Saisissez une adresse de courriel valide" in messages
    assert field.input_value() == "pas-une-adresse"
    assert_accessible(page)


def test_pages_work_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/")
    # On a phone the header's links wait for JavaScript; the footer repeats them.
    page.locator("#pied-de-page").get_by_role("link", name="Espace professionnels et agents").click()
    page.wait_for_url(live_server.url + "/compte/connexion/")
    page.locator("#pied-de-page").get_by_role("link", name="English").click()
    page.wait_for_url(live_server.url + "/en/compte/connexion/")
    assert page.locator("h1").inner_text() == "Log in to your space"
    context.close()


def test_the_statistics_pages_are_accessible(live_server, page, assert_accessible):
    page.goto(live_server.url + "/statistiques/")
    assert page.locator("h1").inner_text() == "Statistiques de SignalConso"
    assert page.locator("svg[role=img]").count() == 3
    assert_accessible(page)
    page.get_by_role("link", name="Définitions, historique des versions et précautions de lecture").click()
    page.wait_for_url("**/statistiques/methode/")
    assert_accessible(page)
