"""What every page tells the browser: a strict Content-Security-Policy with
its scripts by nonce, a Permissions-Policy, no framing."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in response["Content-Security-Policy"].split(";"))
        if part
    }


def test_every_script_of_a_page_carries_the_nonce_of_its_policy(client, categories):
    response = client.get(reverse("reports:problem"))
    policy = _policy(response)
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-inline'" not in policy["style-src"]
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["report-uri"] == "/csp-report"


def test_each_page_gets_its_own_nonce(client):
    first, second = client.get(reverse("home")), client.get(reverse("home"))
    assert _policy(first)["script-src"] != _policy(second)["script-src"]


def test_the_browser_features_the_site_never_uses_are_turned_off(client):
    policy = client.get(reverse("home"))["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_a_violation_report_is_logged_and_answered_with_nothing(client, caplog):
    body = b'{"csp-report": {"blocked-uri": "https://evil.example/x.js"}}'
    response = client.post("/csp-report", body, content_type="application/csp-report")
    assert response.status_code == 204
    assert "evil.example" in caplog.text


@pytest.mark.usefixtures("categories")
def test_a_download_keeps_its_own_sandboxing_policy(client, agent_user):
    from reports.files.services import attachments_add
    from reports.models import Attachment, ScanState
    from signalconso.audit import ActorKind

    from ..reports import files
    from ..reports.test_attachments import _report

    (attachment,), _refused = attachments_add(
        uploads=[files.upload("a.pdf", files.pdf())], origin=ActorKind.CONSUMER, already=0
    )
    Attachment.objects.filter(pk=attachment.pk).update(scan_state=ScanState.CLEAN, report=_report())
    client.force_login(agent_user)
    response = client.get(reverse("attachment_download", args=[attachment.uid]))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_security_txt_says_where_to_report_a_vulnerability(client, settings):
    response = client.get("/.well-known/security.txt")
    assert response["Content-Type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == settings.SECURITY_CONTACT
    assert fields["Policy"].endswith("/securite/") and fields["Expires"] > timezone.now().strftime("%Y-%m-%d")
    assert client.get(fields["Policy"].removeprefix(settings.SITE_URL)).status_code == 200
