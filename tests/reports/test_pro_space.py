"""The companies' space, through the test client: every view against the
same cast (anonymous, another company's user, an agent, a member, an
administrator), the consumer's identity, the answer from form to email."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import Invitation, User
from companies.models import CompanyAccess
from reports.models import Attachment, Report, ReportStatus, Response, Review

from ..accounts.factories import UserFactory
from ..companies.factories import CompanyFactory
from . import files
from .factories import ReportFactory, company_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    return ReportFactory(
        consumer_phone="0612345678",
        share_identity=False,
        email="secret.consumer@example.fr",
        first_name="Zoé",
        last_name="Cachée",
        consumer_reference="CMD-42",
    )


@pytest.fixture
def pro(report):
    return company_user(report.company)


def views_of(report):
    siret = report.company.siret
    return [
        ("get", reverse("pro:reports")),
        ("get", reverse("pro:report", args=[report.reference])),
        ("post", reverse("pro:answer", args=[report.reference])),
        ("get", reverse("pro:answer_preview", args=[report.reference])),
        ("get", reverse("pro:engagements")),
        ("post", reverse("pro:engagement_honoured", args=[report.reference])),
        ("get", reverse("pro:figures")),
        ("get", reverse("pro:settings")),
        ("get", reverse("pro:accesses", args=[siret])),
    ]


def test_anonymous_users_are_sent_to_log_in(client, report):
    for method, url in views_of(report):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


def test_an_agent_gets_404_in_the_companies_space(client, report, agent_user):
    client.force_login(agent_user)
    for method, url in views_of(report):
        assert getattr(client, method)(url).status_code == 404, url


def test_a_user_of_another_company_gets_404_on_this_companys_report(client, report):
    outsider = company_user(CompanyFactory())
    client.force_login(outsider)
    for method, url in views_of(report)[1:4] + views_of(report)[5:6] + views_of(report)[8:]:
        assert getattr(client, method)(url).status_code == 404, url
    assertNotContains(client.get(reverse("pro:reports")), report.reference)
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT


def test_views_refuse_other_methods(client, report, pro):
    client.force_login(pro)
    assert client.post(reverse("pro:reports")).status_code == 405
    assert client.post(reverse("pro:report", args=[report.reference])).status_code == 405
    assert client.get(reverse("pro:answer", args=[report.reference])).status_code == 405
    assert client.get(reverse("pro:engagement_honoured", args=[report.reference])).status_code == 405


def test_the_consumers_identity_stays_hidden_unless_shared(client, report, pro):
    client.force_login(pro)
    page = client.get(reverse("pro:report", args=[report.reference])).content.decode()
    for secret in ("secret.consumer@example.fr", "Zoé", "Cachée", "CMD-42", "0612345678", "06 12 34 56 78"):
        assert secret not in page
    Report.objects.filter(pk=report.pk).update(share_identity=True)
    page = client.get(reverse("pro:report", args=[report.reference])).content.decode()
    assert "secret.consumer@example.fr" in page and "Zoé" in page and "CMD-42" in page
    assert "0612345678" not in page  # never the phone


def test_the_first_opening_by_a_professional_marks_it_read(client, report, pro, django_capture_on_commit_callbacks):
    client.force_login(pro)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("pro:report", args=[report.reference]))
    report.refresh_from_db()
    assert report.status == ReportStatus.READ
    assert [m.to for m in mail.outbox] == [["secret.consumer@example.fr"]]


def test_a_head_office_user_sees_every_establishment(client):
    head = CompanyFactory(is_head_office=True)
    branch = CompanyFactory(siren=head.siren, siret=head.siren + "00028", is_head_office=False)
    report = ReportFactory(company=branch)
    client.force_login(company_user(head))
    assertContains(client.get(reverse("pro:reports")), report.reference)
    assert client.get(reverse("pro:report", args=[report.reference])).status_code == 200


def test_reports_not_sent_to_the_company_are_not_listed(client, pro, report):
    hidden = ReportFactory(company=report.company, status=ReportStatus.NOT_SENT, expires_at=None)
    client.force_login(pro)
    assertNotContains(client.get(reverse("pro:reports") + "?onglet=tous"), hidden.reference)
    assert client.get(reverse("pro:report", args=[hidden.reference])).status_code == 404


def test_tabs_filters_deadlines_and_pages_without_counting(client, pro, report):
    closed = ReportFactory(
        company=report.company, status=ReportStatus.CLOSED_UNREAD, description="Une étiquette trompeuse"
    )
    client.force_login(pro)
    ongoing = client.get(reverse("pro:reports"))
    assertContains(ongoing, report.reference)
    assertNotContains(ongoing, closed.reference)
    assertContains(ongoing, f"avant le {formats.date_format(timezone.localtime(report.expires_at))}")
    assertContains(client.get(reverse("pro:reports") + "?onglet=clos"), closed.reference)
    found = client.get(reverse("pro:reports") + "?onglet=tous&q=étiquette")
    assertContains(found, closed.reference)
    assertNotContains(found, report.reference)
    bad = client.get(reverse("pro:reports") + "?depuis=2026-05-02&jusqua=2026-05-01")
    assertContains(bad, "Cette date doit suivre la première.", status_code=400)
    # 45 reports: three pages, and never a COUNT of the table.
    for _ in range(44):
        ReportFactory(company=report.company)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("pro:reports"))
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assertContains(first, "Page suivante")
    third = client.get(reverse("pro:reports") + "?page=3")
    assertNotContains(third, "Page suivante")
    assertContains(third, "Page précédente")


def test_the_list_takes_a_flat_number_of_queries(client, pro, report):
    client.force_login(pro)
    client.get(reverse("pro:reports"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("pro:reports"))
    for _ in range(15):
        ReportFactory(company=report.company)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("pro:reports"))
    assert len(many) == len(few)


def answer(client, report, **data):
    values = {
        "kind": "accepted",
        "reason": "accepted:remboursement",
        "message": "Nous vous remboursons la différence.",
    }
    values.update(data)
    return client.post(reverse("pro:answer", args=[report.reference]), values)


def test_the_answer_is_previewed_then_sent_once_and_read_only(client, report, pro, django_capture_on_commit_callbacks):
    client.force_login(pro)
    client.get(reverse("pro:report", args=[report.reference]))  # read
    response = answer(client, report, reason="rejected:conforme")
    assertContains(response, "Ce motif ne va pas avec la réponse choisie.", status_code=400)
    assertContains(response, "Nous vous remboursons la différence.", status_code=400)
    response = answer(client, report, files=[files.upload("avoir.pdf", files.pdf())], private_note="Client connu.")
    assertRedirects(response, reverse("pro:answer_preview", args=[report.reference]))
    preview = client.get(response["Location"])
    assertContains(preview, "Nous vous remboursons la différence.")
    assertContains(preview, "avoir.pdf")
    assertContains(preview, "Client connu.")
    assert not Response.objects.exists()
    # "Modifier" goes back to the form, filled in.
    assertContains(client.get(reverse("pro:report", args=[report.reference])), "Nous vous remboursons la différence.")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pro:answer_preview", args=[report.reference]))
    saved = Response.objects.get()
    assert (saved.kind, saved.reason, saved.private_note) == (
        "accepted",
        "remboursement",
        "Client connu.",
    )
    assert saved.user == pro
    assert Attachment.objects.get(name="avoir.pdf").report == report
    report.refresh_from_db()
    assert report.status == ReportStatus.PROMISED
    subjects = [m.subject for m in mail.outbox]
    assert any("a répondu" in s for s in subjects) and any("est envoyée" in s for s in subjects)
    page = client.get(reverse("pro:report", args=[report.reference]))
    assertNotContains(page, "Prévisualiser ma réponse")
    assertContains(page, "Envoyée le")
    # Sending again is refused: the answer is final.
    answer(client, report)
    client.post(reverse("pro:answer_preview", args=[report.reference]))
    assert Response.objects.count() == 1


def test_the_company_sees_the_rating_never_the_comment(client, report, pro):
    report.status = ReportStatus.READ
    report.save()
    from reports import lifecycle

    lifecycle.report_answer(report=report, user=pro, kind="rejected", reason="conforme", message="Non.")
    Review.objects.create(report=report, about="answer", rating="negative", comment="Une réponse méprisante")
    client.force_login(pro)
    page = client.get(reverse("pro:report", args=[report.reference]))
    assertContains(page, "Pas satisfait")
    assertNotContains(page, "méprisante")


def test_engagements_are_listed_and_marked_honoured(client, report, pro):
    report.status = ReportStatus.READ
    report.save()
    from reports import lifecycle

    lifecycle.report_answer(report=report, user=pro, kind="accepted", reason="geste", message="Un bon d’achat.")
    client.force_login(pro)
    page = client.get(reverse("pro:engagements"))
    assertContains(page, report.reference)
    assertContains(page, "Marquer comme tenu")
    client.post(reverse("pro:engagement_honoured", args=[report.reference]))
    assert Response.objects.get().engagement_honoured_at is not None
    assert report.events.filter(action="engagement_honoured").count() == 1
    assertNotContains(client.get(reverse("pro:engagements")), "Marquer comme tenu")


def test_a_user_mutes_new_report_emails_per_company(client, report, pro):
    other = CompanyFactory()
    CompanyAccess.objects.create(company=other, user=pro, level="member")
    client.force_login(pro)
    access = CompanyAccess.objects.get(company=report.company, user=pro)
    response = client.post(reverse("pro:settings"), {"alerts": [str(access.pk)]})
    assertRedirects(response, reverse("pro:settings"))
    assert CompanyAccess.objects.get(pk=access.pk).new_report_emails is True
    assert CompanyAccess.objects.get(company=other, user=pro).new_report_emails is False


def test_an_admin_invites_a_colleague_who_creates_an_account(client, report, pro, django_capture_on_commit_callbacks):
    client.force_login(pro)
    url = reverse("pro:accesses", args=[report.company.siret])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "Collegue@Example.fr", "level": "member"})
    invitation = Invitation.objects.get()
    assert invitation.email == "collegue@example.fr"
    assert timedelta(days=59) < invitation.expires_at - timezone.now() <= timedelta(days=60)
    link = re.search(r"https?://[^/\s]+(/compte/invitation/[^\s]+/)", mail.outbox[-1].body).group(1)
    client.logout()
    response = client.post(
        link,
        {
            "first_name": "Lou",
            "last_name": "Petit",
            "password1": "un mot de passe solide",
            "password2": "un mot de passe solide",
        },
    )
    assertRedirects(response, reverse("pro:reports"))
    colleague = User.objects.get(email="collegue@example.fr")
    assert CompanyAccess.objects.get(user=colleague).level == "member"
    assert client.get(link).status_code == 404  # used


def test_an_invitation_expires_after_60_days(client, report, pro, django_capture_on_commit_callbacks):
    client.force_login(pro)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("pro:accesses", args=[report.company.siret]), {"email": "tard@example.fr", "level": "member"}
        )
    link = re.search(r"https?://[^/\s]+(/compte/invitation/[^\s]+/)", mail.outbox[-1].body).group(1)
    client.logout()
    with time_machine.travel(timezone.now() + timedelta(days=59)):
        assert client.get(link).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=61)):
        assertContains(client.get(link), "plus valable", status_code=404)


def test_an_existing_user_gets_the_access_only_once_they_accept(
    client, report, pro, password, django_capture_on_commit_callbacks
):
    other = company_user(CompanyFactory())
    other.set_password(password)
    other.save()
    client.force_login(pro)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("pro:accesses", args=[report.company.siret]), {"email": other.email, "level": "admin"}
        )
    assert response.status_code == 302
    assert not CompanyAccess.objects.filter(user=other, company=report.company).exists()
    link = re.search(r"https?://[^/\s]+(/compte/invitation/[^\s]+/)", mail.outbox[-1].body).group(1)
    client.force_login(other)
    client.post(link)
    assert CompanyAccess.objects.get(user=other, company=report.company).level == "admin"


def test_inviting_a_staff_address_says_the_same_as_for_anybody(client, report, pro, agent_user):
    """The form tells nothing of the administration's accounts."""
    client.force_login(pro)
    answers = []
    for email in (agent_user.email, "inconnu@example.fr"):
        response = client.post(
            reverse("pro:accesses", args=[report.company.siret]), {"email": email, "level": "member"}, follow=True
        )
        answers.append((response.status_code, [str(m).replace(email, "X") for m in response.context["messages"]]))
    assert answers[0] == answers[1] and answers[0][0] == 200
    # And the staff account cannot take the invitation.
    assert not CompanyAccess.objects.filter(user=agent_user).exists()


def test_members_cannot_manage_access_and_the_last_admin_stays(client, report, pro):
    member = company_user(report.company, level="member")
    client.force_login(member)
    url = reverse("pro:accesses", args=[report.company.siret])
    page = client.get(url)
    assertNotContains(page, "Inviter")
    assert client.post(url, {"email": "x@example.fr", "level": "admin"}).status_code == 403
    mine = CompanyAccess.objects.get(user=pro)
    change = reverse("pro:access_change", args=[report.company.siret, mine.pk])
    assert client.post(change, {"level": "revoke"}).status_code == 403
    client.force_login(pro)
    client.post(change, {"level": "member"})
    assert CompanyAccess.objects.get(pk=mine.pk).level == "admin"  # the last admin
    theirs = CompanyAccess.objects.get(user=member)
    client.post(reverse("pro:access_change", args=[report.company.siret, theirs.pk]), {"level": "revoke"})
    assert not CompanyAccess.objects.filter(pk=theirs.pk).exists()


def test_the_companys_figures(client, pro, report):
    from reports import lifecycle

    old = timezone.now() - timedelta(days=40)
    with time_machine.travel(old):
        answered = ReportFactory(company=report.company, read=True)
        ReportFactory(company=report.company, read=True)
        ReportFactory(company=report.company)
    with time_machine.travel(old + timedelta(days=4)):
        lifecycle.report_answer(report=answered, user=pro, kind="accepted", reason="geste", message="Oui.")
    Review.objects.create(report=answered, about="answer", rating="positive")
    client.force_login(pro)
    page = client.get(reverse("pro:figures"))
    assertContains(page, "67 %")  # 2 read of 3 sent (the young report is left out)
    assertContains(page, "2 lus sur 3 reçus")
    assertContains(page, "50 %")  # 1 answered of 2 read
    assertContains(page, "4,0 jours")
    assertContains(page, "Satisfait : 1")


def test_a_professional_logs_in_to_their_reports(client, pro, password):
    response = client.post(reverse("accounts:login"), {"username": pro.email, "password": password})
    assertRedirects(response, reverse("pro:reports"))


def test_email_change_is_confirmed_by_a_link_to_the_new_address(client, pro, django_capture_on_commit_callbacks):
    client.force_login(pro)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:account_email"), {"email": "nouvelle@example.fr"})
    message = mail.outbox[-1]
    assert message.to == ["nouvelle@example.fr"]
    pro.refresh_from_db()
    assert pro.email != "nouvelle@example.fr"
    link = re.search(r"https?://[^/\s]+(/compte/adresse/[^\s]+/)", message.body).group(1)
    assertContains(client.get(link), "nouvelle@example.fr")  # a button, not a GET that changes
    pro.refresh_from_db()
    assert pro.email != "nouvelle@example.fr"
    client.post(link)
    pro.refresh_from_db()
    assert pro.email == "nouvelle@example.fr"
    # Once: the link names the address it replaced.
    client.post(link)
    assertContains(client.get(reverse("accounts:account")), "nouvelle@example.fr")
    UserFactory(email="prise@example.fr")
    response = client.post(reverse("accounts:account_email"), {"email": "prise@example.fr"})
    assertContains(response, "déjà celle d’un autre compte", status_code=400)


def test_a_user_of_several_companies_switches_between_them(client, pro, report):
    other = CompanyFactory()
    CompanyAccess.objects.create(company=other, user=pro, level="member")
    theirs = ReportFactory(company=other)
    client.force_login(pro)
    everything = client.get(reverse("pro:reports"))
    assertContains(everything, report.reference)
    assertContains(everything, theirs.reference)
    assertContains(everything, "Toutes mes entreprises")
    one = client.get(reverse("pro:reports") + f"?entreprise={other.siret}")
    assertContains(one, theirs.reference)
    assertNotContains(one, report.reference)
