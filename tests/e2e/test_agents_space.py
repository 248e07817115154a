"""An agent logs in with a second factor, searches and acts on a report in a
real browser, every page checked by axe-core."""

import re

import pyotp
import pytest
from django.core import mail

from accounts.models import TOTPDevice
from reports.models import Authority, Comment

from ..reports.factories import ReportFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_agent_sets_up_the_second_factor_then_searches_and_comments(
    live_server, page, assert_accessible, agent_user, password, market
):
    report = ReportFactory(company=market, department="13", description="Étiquette trompeuse")
    Authority.objects.create(name="Douanes")
    page.goto(live_server.url + "/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(agent_user.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/compte/connexion/application/")
    assert_accessible(page)
    # The first time, the agent proves the mailbox: the link arrives by email.
    link = re.search(r"https?://[^/\s]+(/compte/connexion/application/[^\s]+/)", mail.outbox[-1].body).group(1)
    page.goto(live_server.url + link)
    page.get_by_label("Code à 6 chiffres de votre application").wait_for()
    assert_accessible(page)
    secret = TOTPDevice.objects.get(user=agent_user).secret
    page.get_by_label("Code à 6 chiffres de votre application").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activer").click()
    page.get_by_text("Vos codes de secours").first.wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="J’ai noté mes codes : continuer").click()
    page.wait_for_url("**/agents/")
    assert_accessible(page)

    page.get_by_role("link", name="Rechercher", exact=True).click()
    page.get_by_label("Départements").fill("13")
    page.get_by_role("button", name="Rechercher").click()
    assert_accessible(page)
    page.get_by_role("link", name=report.reference).click()
    page.wait_for_url(f"**/agents/signalements/{report.reference}/")
    assert_accessible(page)
    page.get_by_label("Votre commentaire").fill("Contrôle prévu la semaine prochaine.")
    page.get_by_role("button", name="Ajouter le commentaire").click()
    page.get_by_text("Le commentaire est ajouté.").wait_for()
    assert Comment.objects.get().text == "Contrôle prévu la semaine prochaine."

    page.goto(f"{live_server.url}/agents/entreprises/{market.siret}/")
    page.get_by_role("img", name="Signalements par mois et par statut").wait_for()
    assert_accessible(page)
