import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"

PUBLIC_PAGES = [
    "home",
    "accessibility",
    "legal_notice",
    "terms",
    "personal_data",
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
]
LOGGED_IN_PAGES = ["accounts:account", "accounts:password_change", "accounts:password_change_done"]


def url_in(language: str, name: str) -> str:
    with translation.override(language):
        return reverse(name)


def assert_well_formed_page(html: str, language: str) -> None:
    assert re.search(rf'<html lang="{language}"', html)
    assert len(re.findall(r"<h1[\s>]", html)) == 1, "exactly one <h1> per page"
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert title.endswith("— SignalConso") and len(title) > len("— SignalConso") + 3
    assert 'href="#contenu"' in html and 'id="contenu"' in html


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_are_well_formed_in_both_languages(client, name, language):
    response = client.get(url_in(language, name))
    assert response.status_code == 200
    assert_well_formed_page(response.content.decode(), language)


@pytest.mark.parametrize("name", LOGGED_IN_PAGES)
def test_account_pages_are_well_formed(client, pro_user, name):
    client.force_login(pro_user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_well_formed_page(response.content.decode(), "fr")


def test_french_is_the_default_and_english_lives_under_en(client):
    response = client.get("/", headers={"accept-language": "en"})
    assertContains(response, "Un problème avec une entreprise ? Signalez-le.")
    response = client.get("/en/")
    assertContains(response, "A problem with a company? Report it.")


def test_the_language_switch_leads_to_the_same_page_in_the_other_language(client):
    html = client.get("/compte/connexion/").content.decode()
    assert 'href="/en/compte/connexion/" hreflang="en" lang="en">English</a>' in html
    html = client.get("/en/compte/connexion/").content.decode()
    assert 'href="/compte/connexion/" hreflang="fr" lang="fr">Français</a>' in html


def test_the_language_switch_keeps_the_query_string(client):
    html = client.get("/compte/connexion/?next=/compte/").content.decode()
    assert 'href="/en/compte/connexion/?next=/compte/"' in html


def test_home_page_speaks_to_each_audience(client):
    response = client.get("/")
    for audience in ("Consommateurs", "Entreprises", "Agents de la DGCCRF"):
        assertContains(response, f'<h3 class="fr-card__title">{audience}</h3>', html=False)


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assertContains(response, "Page introuvable", status_code=404)
    assert_well_formed_page(response.content.decode(), "fr")


def test_logged_in_header_offers_account_and_logout(client, pro_user):
    client.force_login(pro_user)
    html = client.get("/").content.decode()
    assert reverse("accounts:account") in html
    assert f'action="{reverse("accounts:logout")}"' in html


def _po_entries(path: Path):
    """(msgctxt, msgid, msgid_plural, msgstr, flags) of a .po file; enough of the format for
    our catalog."""
    entries, current, field, flags, context = [], None, None, "", ""
    for line in path.read_text().splitlines() + [""]:
        if line.startswith("#,"):
            flags = line
        elif line.startswith("msgctxt "):
            context = eval(line[8:])  # noqa: S307
        elif line.startswith("msgid "):
            current = {"msgctxt": context, "msgid": "", "msgid_plural": "", "msgstr": "", "flags": flags}
            field = "msgid"
            current["msgid"] = eval(line[6:])  # noqa: S307 - a quoted string from our own file
        elif line.startswith("msgid_plural "):
            field = "msgid_plural"
            current["msgid_plural"] = eval(line[13:])  # noqa: S307
        elif line.startswith("msgstr"):
            # msgstr "…", or msgstr[0] "…" for a plural: the first form stands for all.
            field = "msgstr" if not line.startswith("msgstr[") or line.startswith("msgstr[0]") else None
            if field:
                current["msgstr"] = eval(line.split(" ", 1)[1])  # noqa: S307
        elif line.startswith('"') and current is not None and field:
            current[field] += eval(line)  # noqa: S307
        elif not line.strip() and current is not None:
            entries.append(current)
            current, flags, context = None, "", ""
    return [e for e in entries if e["msgid"]]


def test_english_catalog_is_complete_and_compiled():
    po_path = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
    entries = _po_entries(po_path)
    assert entries
    untranslated = [e["msgid"] for e in entries if not e["msgstr"]]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [] and fuzzy == []
    with open(po_path.with_suffix(".mo"), "rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    stale = [
        e["msgid"]
        for e in entries
        if (
            compiled.ngettext(e["msgid"], e["msgid_plural"], 1)
            if e["msgid_plural"]
            else compiled.pgettext(e["msgctxt"], e["msgid"])
            if e["msgctxt"]
            else compiled.gettext(e["msgid"])
        )
        != e["msgstr"]
    ]
    assert stale == [], "run `make messages` to compile the catalog"


def test_server_error_page_needs_no_request():
    # Django draws 500.html without a request, so no context processor helps it.
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Le service a rencontré une erreur" in html
    assert len(re.findall(r"<h1[\s>]", html)) == 1
