"""The consumer proves their address with a 6-digit code before sending."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from reports.models import EmailVerification, Report

from .test_wizard import YESTERDAY, choose, fill_details

pytestmark = pytest.mark.django_db

EMAIL = "nouvelle@example.fr"


@pytest.fixture(autouse=True)
def up_to_the_consumer_step(client, categories):
    choose(client, "achat-magasin-prix")
    client.post(reverse("reports:company"), {"mode": "unknown", "unknown-postal_code": "75011"})
    fill_details(client)


def consumer(client, capture, email=EMAIL):
    with capture(execute=True):
        return client.post(
            reverse("reports:consumer"),
            {"first_name": "Léa", "last_name": "Martin", "email": email},
        )


def last_code() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].subject).group(1)


def check(client, code):
    return client.post(reverse("reports:verification"), {"action": "check", "code": code})


def test_a_new_address_gets_a_code_and_must_enter_it(client, django_capture_on_commit_callbacks):
    response = consumer(client, django_capture_on_commit_callbacks)
    assertRedirects(response, reverse("reports:verification"))
    assert mail.outbox[-1].to == [EMAIL]
    code = last_code()
    assert code in mail.outbox[-1].body
    # Only a keyed hash is stored.
    assert code not in EmailVerification.objects.get().code_hash
    # The confirmation waits for the code.
    assertRedirects(client.get(reverse("reports:confirmation")), reverse("reports:consumer"))

    wrong = "000000" if code != "000000" else "111111"
    response = check(client, wrong)
    assert response.status_code == 400
    assertContains(response, "Code incorrect", status_code=400)
    assertContains(response, "il vous reste 4 essai(s)", status_code=400)
    assertContains(response, 'aria-describedby="id_code_helptext id_code-error"', status_code=400)

    assertRedirects(check(client, f" {code} "), reverse("reports:confirmation"))
    client.post(reverse("reports:confirmation"))
    assert Report.objects.get().email == EMAIL


def test_five_wrong_codes_kill_the_code(client, django_capture_on_commit_callbacks):
    consumer(client, django_capture_on_commit_callbacks)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        check(client, wrong)
    response = check(client, code)
    assertContains(response, "Trop d’essais avec ce code", status_code=400)


def test_a_new_code_only_after_a_minute_and_the_old_one_dies(client, django_capture_on_commit_callbacks):
    consumer(client, django_capture_on_commit_callbacks)
    first = last_code()
    response = client.post(reverse("reports:verification"), {"action": "resend"}, follow=True)
    assertContains(response, "Patientez encore")
    assert len(mail.outbox) == 1
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:verification"), {"action": "resend"}, follow=True)
        assertContains(response, "Un nouveau code vient de partir")
        assert len(mail.outbox) == 2
        second = last_code()
        if first != second:
            assertContains(check(client, first), "Code incorrect", status_code=400)
        assertRedirects(check(client, second), reverse("reports:confirmation"))


def test_a_code_expires_after_thirty_minutes(client, django_capture_on_commit_callbacks):
    consumer(client, django_capture_on_commit_callbacks)
    code = last_code()
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assertContains(check(client, code), "Ce code a expiré", status_code=400)


def test_an_address_proved_in_this_browser_needs_no_second_code(client, django_capture_on_commit_callbacks):
    consumer(client, django_capture_on_commit_callbacks)
    assertRedirects(check(client, last_code()), reverse("reports:confirmation"))
    sent = len(mail.outbox)
    # Back to the consumer step, as for a second report in the same visit.
    assertRedirects(consumer(client, django_capture_on_commit_callbacks), reverse("reports:confirmation"))
    assert len(mail.outbox) == sent


def test_an_address_proved_in_another_browser_needs_a_code_again(client, django_capture_on_commit_callbacks):
    """Once an address is proved somewhere, nobody else may file under it
    without its code: the proof stays with the session that typed it."""
    EmailVerification.objects.create(email=EMAIL, code_hash="-", sent_at=timezone.now(), verified_at=timezone.now())
    assertRedirects(consumer(client, django_capture_on_commit_callbacks), reverse("reports:verification"))
    assert re.search(r"\b\d{6}\b", mail.outbox[-1].subject)
    response = client.post(reverse("reports:confirmation"))
    assertRedirects(response, reverse("reports:consumer"), fetch_redirect_response=False)
    assert not Report.objects.exists()


def test_a_draft_claiming_a_verified_address_is_not_believed(client, django_capture_on_commit_callbacks):
    consumer(client, django_capture_on_commit_callbacks)
    session = client.session
    session["report_draft"]["consumer"]["verified"] = True
    session.save()
    response = client.post(reverse("reports:confirmation"))
    assertRedirects(response, reverse("reports:consumer"), fetch_redirect_response=False)
    assert not Report.objects.exists()


def test_code_checks_are_rate_limited_per_client(client, settings, django_capture_on_commit_callbacks):
    settings.REPORT_CODE_RATE_LIMIT = 2
    consumer(client, django_capture_on_commit_callbacks)
    check(client, "123456")
    check(client, "123456")
    response = check(client, "123456")
    assert response.status_code == 429
    assertContains(response, "Patientez quelques minutes", status_code=429)


def test_sending_is_rate_limited_per_client_and_the_draft_is_kept(
    client, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_SUBMIT_RATE_LIMIT = 0
    consumer(client, django_capture_on_commit_callbacks)
    check(client, last_code())
    response = client.post(reverse("reports:confirmation"))
    assert response.status_code == 429
    assert "report_draft" in client.session and not Report.objects.exists()
    assert client.session["report_draft"]["details"]["occurred_on"] == YESTERDAY
