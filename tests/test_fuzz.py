"""Malformed values to every page but the admin site: no answer may be a 500.

Every named URL of the site (the admin site excepted) has an entry in PAGES:
who may reach it, its methods, the form classes it binds, a valid baseline.
What is fuzzed is found in the code, not typed here:

- each form's fields, by instantiating the form as the view does (prefix and
  arguments included): a field added later is fuzzed at once;
- the query and POST parameters a view reads outside its forms
  (`request.GET.get("page")`, `"q" in request.GET`, `getlist("company")`…), by
  reading the source of the view and of the project's functions it calls;
- the path converters of its URL: a reference that does not exist, a token
  that is garbage, a pk beyond 64 bits, a negative number, a NUL…

The page's first user (anonymous, the consumer with a draft in the session, a
professional of the company, an agent, an administrator) gets:

1. "all bad": every parameter set to the same bad value, one request per
   value, then lists where one value is expected, then nothing at all (and
   again with the parameters that choose the form, like the company step's
   `mode`, kept valid, so that each field's refusal is shown);
2. "bad among good": the valid baseline, with every field set to the bad value
   where its form accepts it (checked in-process first), so that what a form
   lets through reaches the code behind it (searches, services, the database);
   then each parameter read outside the forms, bad, in the valid baseline;
3. each path argument replaced by a bad one.

Every other user who may reach the page gets the same values spread over a few
requests (each parameter a different value in each request); every user who
may not, one such request.

Each request runs in a savepoint rolled back after it: requests do not use up
what the next needs (an invitation, a code) and a failed query does not poison
the test's transaction. A 500 is cut down to the parameter that causes it. A
500 known and not fixed yet is listed in KNOWN_500 (or PAST_500) with its
cause and kept visible as a strict xfail in test_known_and_past_500s; any other
fails the page's test with the URL, the parameter, the value and the cause.

FUZZ_VERBOSE=1 (with -s) prints, for each page and user, the statuses answered:
a page whose setup went wrong shows only redirects to the login or 404s.
"""

import collections
import copy
import hashlib
import importlib
import inspect
import logging
import os
import re
import types
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

import pyotp
import pytest
from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.forms import (
    DepartmentsForm,
    EmailChangeForm,
    LoginForm,
    NamesForm,
    PasswordChoiceForm,
    ResetRequestForm,
    SecondFactorForm,
)
from accounts.models import Invitation, Role, TOTPDevice
from accounts.services import EMAIL_CHANGE_SALT
from accounts.views import PENDING_KEY
from companies.activation import activation_code_issue
from companies.forms import ActivationForm, SiretForm
from companies.models import AccessLevel, CompanyAccess, LetterBatch
from inspections.forms import CancelForm, ConcludeForm, InspectionFiltersForm, LaunchForm
from inspections.lifecycle import inspection_launch
from notifications.models import Subscription
from reports import lifecycle
from reports.agents.forms import (
    AgentInviteForm,
    CommentForm,
    ForwardForm,
    ReportSearchForm,
    SaveSearchForm,
    SubscriptionForm,
    TagsForm,
    WebsiteCountryForm,
)
from reports.categories import load_categories
from reports.files.forms import AttachmentsForm
from reports.models import (
    Attachment,
    Authority,
    Category,
    CompanyKind,
    DetailQuestion,
    Export,
    ExportStatus,
    ResponseKind,
    ReviewAbout,
    SavedSearch,
    ScanState,
    Tag,
)
from reports.pro.activation import ACTIVATION_SALT
from reports.pro.forms import AccessInviteForm, AnswerForm, ReportFilterForm
from reports.pro.views import DRAFT_KEY as ANSWER_DRAFT_KEY
from reports.wizard.draft import Draft
from reports.wizard.forms import (
    CodeForm,
    CompanySearchForm,
    ConsumerForm,
    DetailsForm,
    ForeignCompanyForm,
    PhoneForm,
    PostalCodeForm,
    PurposeForm,
    ReviewForm,
    WebsiteForm,
)
from reports.wizard.links import follow_up_token, reattribution_token, review_token
from reports.wizard.verification import mark_verified
from signalconso.converters import SiretConverter

from .accounts.factories import UserFactory
from .companies.factories import CompanyFactory, WebsiteFactory, siret_for
from .reports.factories import ReportFactory, company_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("verified_addresses")]

ON_POSTGRES = connection.vendor == "postgresql"

# --- The malformed values ------------------------------------------------------------

BIG = "99999999999999999999999999"  # beyond 64 bits
INT64_PLUS_ONE = "9223372036854775808"
LONG = "x" * 10_000
VALUES = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    BIG,
    "1e309",
    "٣",  # an Arabic-Indic three: str.isdigit() says yes
    "²",  # a superscript two: isdigit() says yes, int() says no
    "++",
    "!!",
    "http://",
    "%00",
    "\x00",
    LONG,
    "2026-02-30",
    "31/12/2026",
    "<script>alert(1)</script>",
    "'; DROP TABLE reports_report; --",
    "😀",
    "a\r\nb",
]
# Several values where one is expected.
LISTS = [["abc", "1"], ["", BIG], ["😀", "\x00"]]
# Path arguments: besides these, the real one with a character more (a tampered token).
PATH_VALUES = [
    "inexistant",
    "abc",
    "0",
    "-1",
    "99999999999999999999999",
    INT64_PLUS_ONE,
    "٣",
    "😀",
    "%00",
    "\x00",
    "<script>",
    "'; DROP TABLE",
    "x" * 2000,
]
PASSWORD = "un-mot-de-passe-solide-42"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
NEW_PASSWORD = "une-autre-phrase-de-passe-97"


# --- Pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class F:
    """A form class a page binds to its data, as the view makes it."""

    cls: type
    prefix: str | Callable | None = None
    kwargs: Callable = lambda ctx: {}
    # In-process validation has side effects (the login form counts failures).
    check: bool = True

    def make(self, ctx, data=None, files=None):
        prefix = self.prefix(ctx) if callable(self.prefix) else self.prefix
        if data is None:
            return self.cls(prefix=prefix, **self.kwargs(ctx))
        return self.cls(data=data, files=files, prefix=prefix, **self.kwargs(ctx))


@dataclass(frozen=True)
class Page:
    name: str
    users: tuple = ("anonymous",)
    methods: tuple = ("GET",)
    get_forms: tuple = ()
    post_forms: tuple = ()
    # Parameters the view reads that discovery cannot see (Django's own views).
    extra_get: tuple = ()
    extra_post: tuple = ()
    args: Callable = lambda ctx: {}
    get_baseline: Callable = lambda ctx: {}
    post_baseline: Callable = lambda ctx: {}
    # Session state before the requests (a draft, a login half done), on a client logged in as the user.
    setup: Callable | None = None
    # Set up again before every request (logout, the second factor's pages).
    reset: bool = False
    # Several states of the same page (the wizard's drafts, the problem's nodes): dicts of fields to replace.
    variants: Callable | None = None
    # Whether the page as declared is fuzzed too, besides its variants.
    base: bool = True
    # The methods a variant is fuzzed with, when its other methods are the same as another variant's.
    fuzz_methods: tuple | None = None
    label: str = ""


STAFF = ("agent", "admin")
SIGNED_IN = ("pro", "agent", "admin")
YESTERDAY = (timezone.localdate() - timedelta(days=1)).isoformat()


def fixed(**args):
    """Path arguments that are the same for every user."""
    return lambda ctx: args


def walk_to(leaf, until, **options):
    """A setup: the wizard filled in up to a step."""
    return lambda ctx: walk_wizard(ctx, leaf, until=until, **options)


def draft_of(ctx) -> Draft:
    return Draft(ctx.client.session)


def answer_draft(ctx):
    session = ctx.client.session
    session[ANSWER_DRAFT_KEY.format(ctx.w.report.pk)] = {
        "kind": "accepted",
        "reason": "geste",
        "message": "Nous vous remboursons.",
        "private_note": "",
        "files": [],
    }
    session.save()


def pending_login(user_attr):
    def setup(ctx):
        ctx.client.logout()
        session = ctx.client.session
        session[PENDING_KEY] = {
            "user": getattr(ctx.w, user_attr).pk,
            "at": timezone.now().timestamp(),
            "next": "",
            "tries": 0,
        }
        session.save()

    return setup


def relogin(ctx):
    ctx.client.force_login(ctx.user)


def logged_out(ctx):
    ctx.client.logout()


def staff_email(ctx):
    from django.conf import settings

    return f"nouvelle.adresse@{settings.ADMINISTRATION_EMAIL_DOMAINS[0]}"


PAGES = [
    # --- The site, the open data and the files ---
    Page("healthz"),
    Page("metrics", methods=("GET", "POST")),
    Page("home"),
    Page("accessibility"),
    Page("legal_notice"),
    Page("terms"),
    Page("personal_data"),
    Page("security"),
    Page("security_txt"),
    Page("csp_report", methods=("POST",)),
    Page("statistics"),
    Page("statistics_method"),
    Page("statistics_json"),
    Page(
        "statistics_csv",
        args=lambda ctx: {"table": "indicateurs"},
        variants=lambda w: [{"args": fixed(table=table), "label": table} for table in ("mensuel", "categories")],
    ),
    Page("companies:search", get_baseline=lambda ctx: {"q": "exemple"}),
    Page("attachment_download", SIGNED_IN, args=lambda ctx: {"uid": ctx.w.attachment.uid}),
    # --- Accounts ---
    Page("accounts:account", SIGNED_IN),
    Page(
        "accounts:account_names",
        SIGNED_IN,
        ("POST",),
        # A copy: validating a model form changes its instance.
        post_forms=(F(NamesForm, kwargs=lambda ctx: {"instance": type(ctx.user).objects.get(pk=ctx.user.pk)}),),
        post_baseline=lambda ctx: {"first_name": "Paule", "last_name": "Durand"},
    ),
    Page(
        "accounts:account_departments",
        SIGNED_IN,
        ("POST",),
        post_forms=(F(DepartmentsForm),),
        post_baseline=lambda ctx: {"departments": "13, 2A"},
    ),
    Page(
        "accounts:account_email",
        SIGNED_IN,
        ("POST",),
        post_forms=(F(EmailChangeForm, kwargs=lambda ctx: {"user": ctx.user}),),
        post_baseline=lambda ctx: {
            "email": staff_email(ctx) if ctx.user.is_administration_staff else "nouvelle.adresse@example.fr"
        },
    ),
    Page(
        "accounts:email_confirm",
        SIGNED_IN,
        ("GET", "POST"),
        args=lambda ctx: {"token": ctx.w.email_tokens[ctx.role]},
    ),
    Page(
        "accounts:invitation",
        ("anonymous", "pro"),
        ("GET", "POST"),
        post_forms=(F(PasswordChoiceForm, kwargs=lambda ctx: {"email": ctx.w.invitation.email}),),
        args=lambda ctx: {"token": ctx.w.invitation_token},
        post_baseline=lambda ctx: {
            "first_name": "Inès",
            "last_name": "Invitée",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    ),
    Page(
        "accounts:login",
        ("anonymous",),
        ("GET", "POST"),
        post_forms=(F(LoginForm, kwargs=lambda ctx: {"request": None}, check=False),),
        extra_get=("next",),
        extra_post=("next",),
        post_baseline=lambda ctx: {"username": ctx.w.pro.email, "password": PASSWORD},
        setup=logged_out,
        reset=True,
    ),
    Page(
        "accounts:otp",
        ("agent",),
        ("GET", "POST"),
        post_forms=(F(SecondFactorForm),),
        post_baseline=lambda ctx: {"code": "123456"},
        setup=pending_login("agent"),
        reset=True,
        label="agent half logged in, with an authenticator",
    ),
    Page(
        "accounts:otp_setup",
        ("admin",),
        ("GET", "POST"),
        post_forms=(F(SecondFactorForm),),
        post_baseline=lambda ctx: {"code": "123456"},
        setup=pending_login("admin"),
        reset=True,
        label="administrator half logged in, no authenticator yet",
    ),
    Page(
        "accounts:otp_setup_link",
        ("admin",),
        args=fixed(token="lien-du-courriel"),
        setup=pending_login("admin"),
        reset=True,
        label="administrator half logged in, opening the mailbox's link",
    ),
    Page("accounts:logout", SIGNED_IN, ("GET", "POST"), setup=relogin, reset=True),
    Page(
        "accounts:password_reset",
        ("anonymous",),
        ("GET", "POST"),
        post_forms=(F(ResetRequestForm),),
        post_baseline=lambda ctx: {"email": ctx.w.pro.email},
    ),
    Page("accounts:password_reset_done"),
    Page(
        "accounts:password_reset_confirm",
        ("anonymous",),
        ("GET", "POST"),
        args=lambda ctx: {"uidb64": ctx.w.reset_uid, "token": ctx.w.reset_token},
        variants=lambda w: [
            {
                "label": "set-password, after the emailed link",
                "args": lambda ctx: {"uidb64": ctx.w.reset_uid, "token": "set-password"},
                "setup": lambda ctx: ctx.client.get(
                    reverse("accounts:password_reset_confirm", args=[ctx.w.reset_uid, ctx.w.reset_token])
                ),
                "post_forms": (F(SetPasswordForm, kwargs=lambda ctx: {"user": ctx.w.pro}),),
                "post_baseline": lambda ctx: {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            }
        ],
    ),
    Page("accounts:password_reset_complete"),
    Page(
        "accounts:password_change",
        SIGNED_IN,
        ("GET", "POST"),
        post_forms=(F(PasswordChangeForm, kwargs=lambda ctx: {"user": ctx.user}),),
        post_baseline=lambda ctx: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    ),
    Page("accounts:password_change_done", SIGNED_IN),
    # --- The consumer's wizard ---
    Page("reports:problem", ("anonymous", "consumer"), ("GET", "POST")),
    Page(
        "reports:problem_node",
        ("anonymous", "consumer"),
        ("GET", "POST"),
        variants=lambda w: problem_node_variants(w),
        base=False,
    ),
    Page("reports:company", ("consumer",), ("GET", "POST"), variants=lambda w: company_variants(w), base=False),
    Page("reports:details", ("consumer",), ("GET", "POST"), variants=lambda w: details_variants(w), base=False),
    Page("reports:consumer", ("consumer",), ("GET", "POST"), variants=lambda w: consumer_variants(w), base=False),
    Page(
        "reports:verification",
        ("consumer",),
        ("GET", "POST"),
        post_forms=(F(CodeForm),),
        post_baseline=lambda ctx: {"action": "check", "code": "123456"},
        setup=lambda ctx: walk_wizard(ctx, ctx.w.leaves["siret"], until="consumer", email="nouveau.conso@example.fr"),
    ),
    Page(
        "reports:confirmation",
        ("consumer",),
        ("GET", "POST"),
        setup=lambda ctx: walk_wizard(ctx, ctx.w.leaves["siret"], until="consumer"),
    ),
    Page(
        "reports:done",
        ("consumer",),
        setup=lambda ctx: walk_wizard(ctx, ctx.w.leaves["siret"], until="sent"),
    ),
    Page("reports:follow_up", ("consumer",), args=lambda ctx: {"token": follow_up_token(ctx.w.answered)}),
    Page("reports:receipt", ("consumer",), args=lambda ctx: {"token": follow_up_token(ctx.w.report)}),
    Page(
        "reports:follow_up_renew", ("consumer",), ("POST",), args=lambda ctx: {"token": follow_up_token(ctx.w.report)}
    ),
    Page(
        "reports:follow_up_erase",
        ("consumer",),
        ("GET", "POST"),
        args=lambda ctx: {"token": follow_up_token(ctx.w.report)},
    ),
    Page(
        "reports:follow_up_attachment",
        ("consumer",),
        args=lambda ctx: {"token": follow_up_token(ctx.w.report), "uid": ctx.w.attachment.uid},
    ),
    Page(
        "reports:review",
        ("consumer",),
        ("GET", "POST"),
        post_forms=(F(ReviewForm),),
        args=lambda ctx: {"token": review_token(ctx.w.answered, ReviewAbout.ANSWER)},
        post_baseline=lambda ctx: {"rating": "positive", "comment": "Merci."},
        variants=lambda w: [
            {
                "label": "engagement",
                "args": lambda ctx: {"token": review_token(ctx.w.answered, ReviewAbout.ENGAGEMENT)},
            }
        ],
    ),
    Page(
        "reports:reattribute",
        ("consumer",),
        ("GET", "POST"),
        post_forms=(F(SiretForm, prefix="siret"),),
        args=lambda ctx: {"token": reattribution_token(ctx.w.not_concerned)},
        post_baseline=lambda ctx: {"siret-siret": ctx.w.other_company.siret},
    ),
    # --- The companies' space ---
    Page(
        "pro:reports",
        ("pro",),
        get_forms=(F(ReportFilterForm, kwargs=lambda ctx: {"accesses": pro_accesses(ctx)}),),
        get_baseline=lambda ctx: {"onglet": "tous"},
    ),
    Page("pro:report", ("pro",), args=lambda ctx: {"reference": ctx.w.report.reference}),
    Page(
        "pro:answer",
        ("pro",),
        ("POST",),
        post_forms=(F(AnswerForm), F(AttachmentsForm)),
        args=lambda ctx: {"reference": ctx.w.report.reference},
        post_baseline=lambda ctx: {
            "kind": "accepted",
            "reason": "accepted:geste",
            "message": "Nous vous remboursons.",
        },
    ),
    Page(
        "pro:answer_preview",
        ("pro",),
        ("GET", "POST"),
        args=lambda ctx: {"reference": ctx.w.report.reference},
        setup=answer_draft,
    ),
    Page("pro:engagements", ("pro",)),
    Page("pro:engagement_honoured", ("pro",), ("POST",), args=lambda ctx: {"reference": ctx.w.answered.reference}),
    Page("pro:figures", ("pro",)),
    Page(
        "pro:settings",
        ("pro",),
        ("GET", "POST"),
        post_baseline=lambda ctx: {"alerts": [str(a.pk) for a in pro_accesses(ctx)]},
    ),
    Page(
        "pro:accesses",
        ("pro",),
        ("GET", "POST"),
        post_forms=(F(AccessInviteForm),),
        args=lambda ctx: {"siret": ctx.w.company.siret},
        post_baseline=lambda ctx: {"email": "collegue@example.fr", "level": "member"},
    ),
    Page(
        "pro:access_change",
        ("pro",),
        ("POST",),
        args=lambda ctx: {"siret": ctx.w.company.siret, "pk": ctx.w.member_access.pk},
        post_baseline=lambda ctx: {"level": "member"},
    ),
    Page(
        "pro:activate",
        ("anonymous",),
        ("GET", "POST"),
        post_forms=(F(ActivationForm),),
        post_baseline=lambda ctx: {
            "siret": ctx.w.other_company.siret,
            "code": ctx.w.activation_code,
            "email": "premier.pro@example.fr",
        },
    ),
    Page("pro:activate_sent"),
    Page(
        "pro:activate_finish",
        ("anonymous",),
        ("GET", "POST"),
        post_forms=(F(PasswordChoiceForm, kwargs=lambda ctx: {"email": "premier.pro@example.fr"}),),
        args=lambda ctx: {"token": ctx.w.activation_token},
        post_baseline=lambda ctx: {
            "first_name": "Prem",
            "last_name": "Ier",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    ),
    # --- The agents' space ---
    Page("agents:home", STAFF),
    Page(
        "agents:invite",
        ("admin",),
        ("GET", "POST"),
        post_forms=(F(AgentInviteForm),),
        post_baseline=lambda ctx: {"email": staff_email(ctx), "role": "agent"},
    ),
    Page("agents:search", STAFF, get_forms=(F(ReportSearchForm),)),
    Page(
        "agents:search_save",
        STAFF,
        ("POST",),
        post_forms=(F(SaveSearchForm),),
        post_baseline=lambda ctx: {"name": "Prix", "query": "texte=prix"},
    ),
    Page("agents:search_forget", STAFF, ("POST",), args=lambda ctx: {"pk": ctx.w.saved[ctx.role].pk}),
    Page("agents:report", STAFF, args=lambda ctx: {"reference": ctx.w.report.reference}),
    Page(
        "agents:comment",
        STAFF,
        ("POST",),
        post_forms=(F(CommentForm), F(AttachmentsForm)),
        args=lambda ctx: {"reference": ctx.w.report.reference},
        post_baseline=lambda ctx: {"text": "Vu."},
    ),
    # --- Inspections ---
    Page("inspections:list", STAFF, get_forms=(F(InspectionFiltersForm),)),
    Page("inspections:export", STAFF, get_forms=(F(InspectionFiltersForm),)),
    Page("inspections:candidates", STAFF),
    Page("inspections:figures", STAFF),
    Page(
        "inspections:new",
        STAFF,
        ("GET", "POST"),
        post_forms=(F(LaunchForm, kwargs=lambda ctx: {"report_choices": [(ctx.w.report.reference, "")]}),),
        extra_get=("signalement", "reference", "entreprise"),
        extra_post=("signalement", "reference", "entreprise", "preparer"),
        get_baseline=lambda ctx: {"signalement": ctx.w.report.reference},
        post_baseline=lambda ctx: {
            "entreprise": ctx.w.company.siret,
            "reports": [ctx.w.report.reference],
            "planned_on": YESTERDAY,
            "department": "75",
            "notes": "À voir.",
        },
    ),
    Page("inspections:detail", STAFF, args=lambda ctx: {"pk": ctx.w.inspection.pk}),
    Page("inspections:start", STAFF, ("POST",), args=lambda ctx: {"pk": ctx.w.inspection.pk}),
    Page(
        "inspections:conclude",
        STAFF,
        ("POST",),
        post_forms=(F(ConcludeForm),),
        args=lambda ctx: {"pk": ctx.w.inspection.pk},
        post_baseline=lambda ctx: {
            "outcome": "fine",
            "breach": "misleading",
            "concluded_on": YESTERDAY,
            "notes": "Amende.",
        },
    ),
    Page(
        "inspections:cancel",
        STAFF,
        ("POST",),
        post_forms=(F(CancelForm),),
        args=lambda ctx: {"pk": ctx.w.inspection.pk},
        post_baseline=lambda ctx: {"reason": "Fermé."},
    ),
    Page("agents:bookmark", STAFF, ("POST",), args=lambda ctx: {"reference": ctx.w.report.reference}),
    Page(
        "agents:tags",
        STAFF,
        ("POST",),
        post_forms=(F(TagsForm),),
        args=lambda ctx: {"reference": ctx.w.report.reference},
        post_baseline=lambda ctx: {"tags": [Tag.objects.order_by("slug").first().slug]},
    ),
    Page(
        "agents:forward",
        STAFF,
        ("POST",),
        post_forms=(F(ForwardForm),),
        args=lambda ctx: {"reference": ctx.w.report.reference},
        post_baseline=lambda ctx: {"authority": str(ctx.w.authority.pk), "note": "Par courriel."},
    ),
    Page("agents:report_reopen", ("admin",), ("POST",), args=lambda ctx: {"reference": ctx.w.answered.reference}),
    Page("agents:report_anonymise", ("admin",), ("POST",), args=lambda ctx: {"reference": ctx.w.report.reference}),
    Page(
        "agents:report_change_company",
        ("admin",),
        ("POST",),
        post_forms=(F(SiretForm, prefix="entreprise"),),
        args=lambda ctx: {"reference": ctx.w.report.reference},
        post_baseline=lambda ctx: {"entreprise-siret": ctx.w.other_company.siret},
    ),
    Page("agents:report_delete", ("admin",), ("POST",), args=lambda ctx: {"reference": ctx.w.report.reference}),
    Page(
        "agents:export_create",
        STAFF,
        ("POST",),
        post_baseline=lambda ctx: {"kind": "xlsx", "query": "texte=prix"},
    ),
    Page("agents:export", STAFF, args=lambda ctx: {"pk": ctx.w.exports[ctx.role].pk}),
    Page("agents:export_file", STAFF, args=lambda ctx: {"pk": ctx.w.exports[ctx.role].pk}),
    Page("agents:export_status", STAFF, args=lambda ctx: {"pk": ctx.w.exports[ctx.role].pk}),
    Page("agents:companies", STAFF, get_baseline=lambda ctx: {"q": "exemple"}),
    Page("agents:most_reported", STAFF),
    Page(
        "agents:companies_to_activate",
        STAFF,
        ("GET", "POST"),
        post_baseline=lambda ctx: {"company": [str(ctx.w.other_company.pk)]},
    ),
    Page("agents:company", STAFF, args=lambda ctx: {"siret": ctx.w.company.siret}),
    Page("agents:letter_batch", STAFF, ("GET", "POST"), args=lambda ctx: {"pk": ctx.w.batch.pk}),
    Page("agents:letter_batch_pdf", STAFF, args=lambda ctx: {"pk": ctx.w.batch.pk}),
    Page("agents:websites", STAFF),
    Page(
        "agents:website_identify",
        STAFF,
        ("POST",),
        post_forms=(F(SiretForm, prefix=lambda ctx: f"site{ctx.w.website.pk}"),),
        args=lambda ctx: {"pk": ctx.w.website.pk},
        post_baseline=lambda ctx: {f"site{ctx.w.website.pk}-siret": ctx.w.company.siret},
    ),
    Page(
        "agents:website_foreign",
        STAFF,
        ("POST",),
        post_forms=(F(WebsiteCountryForm),),
        args=lambda ctx: {"pk": ctx.w.website.pk},
        post_baseline=lambda ctx: {"country": "Belgique"},
    ),
    Page(
        "agents:website_marketplace",
        STAFF,
        ("POST",),
        post_forms=(F(WebsiteCountryForm),),
        args=lambda ctx: {"pk": ctx.w.website.pk},
        post_baseline=lambda ctx: {"country": "Belgique"},
    ),
    Page(
        "agents:subscriptions",
        STAFF,
        ("GET", "POST"),
        post_forms=(F(SubscriptionForm),),
        post_baseline=lambda ctx: {"name": "Prix", "frequency": "daily", "email": "", "query": "texte=prix"},
    ),
    Page("agents:subscription_delete", STAFF, ("POST",), args=lambda ctx: {"pk": ctx.w.subscriptions[ctx.role].pk}),
]
PAGES_BY_NAME = {page.name: page for page in PAGES}


def pro_accesses(ctx):
    return list(
        CompanyAccess.objects.filter(user=ctx.user)
        .select_related("company")
        .order_by("company__legal_name", "company__siret")
    )


# --- The wizard's drafts ---------------------------------------------------------------


def valid_value(form_field):
    """A value the field accepts, for the details' questions."""
    if isinstance(form_field, forms.DateField):
        return YESTERDAY
    if isinstance(form_field, forms.MultipleChoiceField):
        return [str(form_field.choices[0][0])]
    if isinstance(form_field, forms.ChoiceField):
        return next(str(value) for value, _label in form_field.choices if value)
    if isinstance(form_field, forms.BooleanField):
        return "on"
    return "Texte"


COMPANY_BASELINES = {
    "siret": lambda ctx: {"mode": "siret", "siret-siret": ctx.w.company.siret},
    "choose": lambda ctx: {"mode": "choose", "siret-siret": ctx.w.company.siret},
    "foreign": lambda ctx: {"mode": "foreign", "foreign-name": "Shop Ltd", "foreign-country": "Royaume-Uni"},
    "unknown": lambda ctx: {"mode": "unknown", "unknown-postal_code": "75002", "unknown-name": "Boulangerie"},
    "website": lambda ctx: {"mode": "website", "website-address": "https://www.boutique-fuzz.example.fr/panier"},
    "phone": lambda ctx: {"mode": "phone", "phone-phone": "01 23 45 67 89"},
    "place": lambda ctx: {"mode": "place", "place-postal_code": "75002", "place-name": "Marché"},
}
COMPANY_FORM_OF_MODE = {
    "siret": F(SiretForm, prefix="siret"),
    "choose": F(SiretForm, prefix="siret"),
    "foreign": F(ForeignCompanyForm, prefix="foreign"),
    "unknown": F(PostalCodeForm, prefix="unknown"),
    "website": F(WebsiteForm, prefix="website"),
    "phone": F(PhoneForm, prefix="phone"),
    "place": F(PostalCodeForm, prefix="place"),
}


def draft_questions(ctx):
    category = draft_of(ctx).category
    return category.questions_on_path() if category else []


DETAILS_FORM = F(DetailsForm, kwargs=lambda ctx: {"questions": draft_questions(ctx)})


def details_baseline(ctx):
    form = DetailsForm(questions=draft_questions(ctx))
    data = {name: valid_value(f) for name, f in form.fields.items()}
    data.update(occurred_on=YESTERDAY, description="Le prix affiché était 3 €, j’ai payé 5 €.")
    return data


def walk_wizard(ctx, leaf, *, until, email="autre@example.fr", purpose="company"):
    """Fills the wizard's steps with valid answers up to `until`, as a consumer does."""

    def post(url, data):
        response = ctx.client.post(url, data)
        assert response.status_code == 302, (url, response.status_code, data)
        return response["Location"]

    post(reverse("reports:problem_node", args=[leaf.slug]), {"purpose": purpose} if leaf.allow_question_only else {})
    if until == "problem":
        return
    mode = {"siret": "siret", "website": "website", "phone": "phone", "place": "place"}.get(leaf.company_kind)
    if mode:
        post(reverse("reports:company"), COMPANY_BASELINES[mode](ctx))
    if until == "company":
        return
    post(reverse("reports:details"), details_baseline(ctx))
    if until == "details":
        return
    consumer = {"first_name": "Paule", "last_name": "Durand", "email": email}
    session = ctx.client.session  # the address's code typed in this browser (verified_addresses has the rows)
    mark_verified(session, email)
    session.save()
    if draft_of(ctx).goes_to_company:
        consumer["share_identity"] = "yes"
    post(reverse("reports:consumer"), consumer)
    if until == "consumer":
        return
    assert until == "sent"
    assert post(reverse("reports:confirmation"), {}) == reverse("reports:done")


def choose_leaves():
    """Leaves of the shipped tree that between them show every company kind,
    the question-only choice, and every kind of question of the details step."""
    questions = {}
    for question in DetailQuestion.objects.all():
        questions.setdefault(question.category_id, []).append(question)
    nodes = {node.pk: node for node in Category.objects.all()}

    def kinds_on_path(node):
        kinds = set()
        while node is not None:
            kinds |= {q.kind for q in questions.get(node.pk, [])}
            node = nodes.get(node.parent_id)
        return kinds

    leaves = [
        node
        for node in Category.objects.active().order_by("position", "pk")
        if not node.children.active().exists() and not node.stops_the_report
    ]
    chosen = {}
    for node in leaves:
        hidden = any(tag.hidden_from_company for tag in node.tags_on_path())
        if node.company_kind not in chosen and not node.allow_question_only and not hidden:
            chosen[node.company_kind] = node
    chosen["question_only"] = next(node for node in leaves if node.allow_question_only)
    # The fewest leaves whose questions are of every kind the tree asks (greedy).
    missing = set().union(*(kinds_on_path(node) for node in leaves))
    while missing:
        best = max(leaves, key=lambda node: len(kinds_on_path(node) & missing))
        chosen[f"questions {', '.join(sorted(kinds_on_path(best) & missing))}"] = best
        missing -= kinds_on_path(best)
    return chosen


def problem_node_variants(w):
    roots = list(Category.objects.active().filter(parent=None))
    with_children = next(node for node in roots if node.children.active().exists())
    information = next(node for node in Category.objects.active() if node.stops_the_report)
    nodes = {"node with children": with_children, "information page": information, **w.leaves}
    variants = []
    for label, node in nodes.items():
        variant = {"label": label, "args": fixed(slug=node.slug)}
        if node.allow_question_only:
            variant.update(post_forms=(F(PurposeForm),), post_baseline=lambda ctx: {"purpose": "company"})
        variants.append(variant)
    return variants


def company_variants(w):
    modes_by_kind = {
        CompanyKind.SIRET: ["siret", "choose", "foreign", "unknown"],
        CompanyKind.WEBSITE: ["website"],
        CompanyKind.PHONE: ["phone"],
        CompanyKind.PLACE: ["place"],
    }
    variants = []
    for kind, modes in modes_by_kind.items():
        leaf = w.leaves[kind]
        for mode in modes:
            variants.append(
                {
                    "label": f"{leaf.slug}, {mode}",
                    "fuzz_methods": ("GET", "POST") if mode == modes[0] else ("POST",),
                    "setup": walk_to(leaf, "problem"),
                    "get_forms": (F(CompanySearchForm),) if kind == CompanyKind.SIRET else (),
                    "get_baseline": (lambda ctx: {"q": "exemple", "code_postal": "75002"})
                    if kind == CompanyKind.SIRET
                    else (lambda ctx: {}),
                    "post_forms": (COMPANY_FORM_OF_MODE[mode],),
                    "post_baseline": COMPANY_BASELINES[mode],
                }
            )
    return variants


def details_variants(w):
    labels = [label for label in w.leaves if label.startswith("questions ")] + ["siret"]
    return [
        {
            "label": f"{w.leaves[label].slug} ({label})",
            "setup": walk_to(w.leaves[label], "company"),
            "post_forms": (DETAILS_FORM, F(AttachmentsForm)),
            "post_baseline": details_baseline,
        }
        for label in labels
    ]


def consumer_variants(w):
    def baseline(ctx):
        data = {
            "first_name": "Paule",
            "last_name": "Durand",
            "email": "autre@example.fr",
            "phone": "01 23 45 67 89",
            "reference": "C-42",
            "survey_consent": "on",
        }
        if draft_of(ctx).goes_to_company:
            data["share_identity"] = "no"
        return data

    form = F(ConsumerForm, kwargs=lambda ctx: {"goes_to_company": draft_of(ctx).goes_to_company})
    return [
        {
            "label": f"{w.leaves[label].slug} ({label})",
            "setup": walk_to(w.leaves[label], "details", purpose=purpose),
            "post_forms": (form,),
            "post_baseline": baseline,
        }
        for label, purpose in (("siret", "company"), ("question_only", "question"))
    ]


# --- The world the pages need ------------------------------------------------------------


@pytest.fixture(autouse=True)
def _quiet_request_log():
    # Thousands of 404s and 400s are expected: their warnings would bury a failure's report.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.fixture(autouse=True)
def _quick_and_unthrottled(settings):
    # Hashing a password at Django's cost for every user and login would take minutes.
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # The limits would answer 429 before the values reach the code.
    settings.COMPANY_SEARCH_RATE_LIMIT = 10**6
    settings.REPORT_CODE_RATE_LIMIT = 10**6
    settings.REPORT_SUBMIT_RATE_LIMIT = 10**6
    settings.LOGIN_FAILURES = 10**6


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(scope="module")
def media_location(tmp_path_factory):
    return str(tmp_path_factory.mktemp("fuzz-media"))


def _storages(location):
    from django.conf import settings

    default = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": location}}
    return {**settings.STORAGES, "default": default}


@pytest.fixture(autouse=True)
def _media_of_the_module(settings, media_location):
    # The world's files are stored once for the module: every test reads them there.
    settings.STORAGES = _storages(media_location)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_location):
    """What every page needs, made once for the module inside a transaction
    rolled back at its end (each test runs in a savepoint of it)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(
                PASSWORD_HASHERS=FAST_HASHERS, STORAGES=_storages(media_location), ANTIVIRUS_URL=""
            ):
                load_categories()
                yield make_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def make_world():
    w = types.SimpleNamespace()
    w.company = CompanyFactory()
    w.branch = CompanyFactory(siren=w.company.siren, siret=siret_for(w.company.siren, 2), is_head_office=False)
    w.other_company = CompanyFactory()
    w.pro = company_user(w.company, level=AccessLevel.ADMIN, password=PASSWORD)
    CompanyAccess.objects.create(company=w.branch, user=w.pro, level=AccessLevel.ADMIN)
    member = company_user(w.company, level=AccessLevel.MEMBER, password=PASSWORD)
    w.member_access = CompanyAccess.objects.get(user=member)
    w.agent = UserFactory(agent=True, password=PASSWORD)
    w.admin = UserFactory(admin=True, password=PASSWORD)
    TOTPDevice.objects.create(user=w.agent, secret=pyotp.random_base32(), confirmed_at=timezone.now())
    w.users = {"pro": w.pro, "agent": w.agent, "admin": w.admin}

    w.report = ReportFactory(company=w.company, read=True)
    w.answered = ReportFactory(company=w.company, read=True)
    lifecycle.report_answer(report=w.answered, user=w.pro, kind="accepted", reason="geste", message="Remboursé.")
    w.not_concerned = ReportFactory(company=w.company, read=True)
    lifecycle.report_answer(
        report=w.not_concerned, user=w.pro, kind=ResponseKind.NOT_CONCERNED, reason="autre", message="Pas nous."
    )
    ReportFactory(company=w.other_company)  # a company without users, due a letter
    w.attachment = Attachment(
        report=w.report,
        origin="consumer",
        name="ticket.pdf",
        extension="pdf",
        content_type="application/pdf",
        size=len(_pdf()),
        scan_state=ScanState.CLEAN,
    )
    w.attachment.file.save("ticket.pdf", ContentFile(_pdf()), save=True)
    w.website = WebsiteFactory()
    w.authority = Authority.objects.create(name="DDPP de Paris")
    w.batch = LetterBatch(created_by=w.agent)
    w.batch.pdf.save("courriers.pdf", ContentFile(_pdf()), save=True)

    code_row, w.activation_code = activation_code_issue(company=w.other_company)
    w.activation_token = signing.dumps({"code": code_row.pk, "email": "premier.pro@example.fr"}, salt=ACTIVATION_SALT)
    w.invitation_token = "jeton-d-invitation-du-fuzz"
    w.invitation = Invitation.objects.create(
        email="invitee@example.fr",
        role=Role.PRO,
        company=w.company,
        level=AccessLevel.MEMBER,
        token_hash=hashlib.sha256(w.invitation_token.encode()).hexdigest(),
        invited_by=w.pro,
        expires_at=timezone.now() + timedelta(days=30),
    )
    w.email_tokens = {
        role: signing.dumps(
            {"user": user.pk, "email": f"nouvelle.{role}@example.fr", "old": user.email}, salt=EMAIL_CHANGE_SALT
        )
        for role, user in w.users.items()
    }
    w.reset_uid = urlsafe_base64_encode(force_bytes(w.pro.pk))
    w.reset_token = default_token_generator.make_token(w.pro)
    w.saved, w.subscriptions, w.exports = {}, {}, {}
    for role in STAFF:
        user = w.users[role]
        w.saved[role] = SavedSearch.objects.create(user=user, name="Prix", query="texte=prix")
        w.subscriptions[role] = Subscription.objects.create(user=user, name="Prix", filters={"texte": ["prix"]})
        export = Export(user=user, kind="xlsx", status=ExportStatus.DONE, rows=0)
        export.file.save("export.xlsx", ContentFile(b"PK\x03\x04"), save=True)
        w.exports[role] = export
    w.inspection = inspection_launch(
        company=w.company, user=w.agent, planned_on=timezone.localdate(), reports=[w.report]
    )
    w.leaves = choose_leaves()
    return w


# --- Sending and judging -------------------------------------------------------------------


def shown(value) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    if isinstance(value, str) and len(value) > 40:
        return f"{value[:8]!r}… ({len(value)} characters)"
    return repr(value)


def cause_of(error: BaseException) -> str:
    frames = [
        f for f in _traceback_frames(error) if "/site-packages/" not in f.filename and "/tests/" not in f.filename
    ]
    where = f" (at {os.path.relpath(frames[-1].filename)}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""
    return f"{type(error).__name__}: {' '.join(str(error).split())[:200]}{where}"


def _traceback_frames(error):
    import traceback

    return traceback.extract_tb(error.__traceback__)


def querydict(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, list(value) if isinstance(value, list | tuple) else [value])
    return query


@dataclass
class Failure:
    page: str
    role: str
    method: str
    url: str
    param: str
    value: object
    cause: str

    def __str__(self):
        return f"{self.method} {self.url[:120]} as {self.role}: {self.param}={shown(self.value)} -> 500, {self.cause}"


_HANDLER = {}


def shared_handler(client):
    return _HANDLER.setdefault("handler", client.handler)


class Fuzzer:
    """Sends a page its malformed values as one user, and records every 500."""

    def __init__(self, page: Page, role: str, world):
        self.page, self.role, self.w = page, role, world
        self.user = world.users.get(role)
        self.client = Client()
        # One handler for all: each new one loads the middleware, and WhiteNoise lists every static file.
        self.client.handler = shared_handler(self.client)
        self.ctx = types.SimpleNamespace(w=world, role=role, user=self.user, client=self.client)
        self.failures: list[Failure] = []
        self.requests = 0
        self.sent = set()
        self.prototypes = {}
        self.statuses = collections.Counter()
        # Somebody the page is not for asks for the URL of somebody it is for.
        owner = role if role in page.users else page.users[0]
        self.url_ctx = types.SimpleNamespace(w=world, role=owner, user=world.users.get(owner), client=self.client)
        self.form_ctx = self.ctx if role in page.users else self.url_ctx
        self.prepare()

    def prepare(self):
        if self.user is not None:
            self.client.force_login(self.user)
        if self.page.setup is not None and self.role in self.page.users:
            self.page.setup(self.ctx)

    # --- One request ---

    def send(self, method: str, url: str, data: dict) -> str | None:
        """The cause of a 500, or None (also for a request already sent)."""
        signature = (method, url, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in data.items())))
        if signature in self.sent:
            return None
        self.sent.add(signature)
        if self.page.reset:
            self.prepare()
        cache.clear()  # rate limits and failure counters: each request is judged alone
        self.requests += 1
        try:
            # Each request in a savepoint rolled back: a failed query does not poison the test's
            # transaction, and no request uses up what the next needs (an invitation, a code).
            with transaction.atomic():
                response = (self.client.get if method == "GET" else self.client.post)(url, data)
                if response.streaming:  # read to its end, which closes it as a server would
                    b"".join(response.streaming_content)
                transaction.set_rollback(True)
        except Exception as error:  # the test client raises what the view raised: a 500
            return cause_of(error)
        location = response.get("Location", "")
        self.statuses[f"{response.status_code}{' -> ' + location.split('?')[0] if location else ''}"] += 1
        if response.status_code >= 500:
            return f"status {response.status_code}"
        return None

    def check(self, method, url, base: dict, data: dict, *, param=None, value=None):
        """Sends data; on a 500, finds which parameter alone causes it
        (unless told: a path argument, the files)."""
        cause = self.send(method, url, data)
        if cause is None:
            return
        if param is not None:
            self.failures.append(Failure(self.page.name, self.role, method, url, param, value, cause))
            return
        changed = [key for key, value in data.items() if base.get(key) != value]
        found = False
        for key in changed:
            alone = {**base, key: data[key]}
            cause_alone = cause if alone == data else self.send(method, url, alone)
            if cause_alone is not None:
                found = True
                self.failures.append(Failure(self.page.name, self.role, method, url, key, data[key], cause_alone))
        if not found:
            summary = ", ".join(f"{k}={shown(data[k])}" for k in changed) or "(the baseline)"
            self.failures.append(Failure(self.page.name, self.role, method, url, "<together>", summary, cause))

    # --- What the page reads ---

    def url(self, **replace_args) -> str:
        return build_url(self.page.name, {**self.page.args(self.url_ctx), **replace_args})

    def prototype(self, spec):
        """The form unbound, made once: some forms cost a query or two to make."""
        if spec not in self.prototypes:
            self.prototypes[spec] = spec.make(self.form_ctx)
        return self.prototypes[spec]

    def bind(self, spec, data):
        if issubclass(spec.cls, forms.BaseModelForm):
            return spec.make(self.form_ctx, data, MultiValueDict())
        form = copy.copy(self.prototype(spec))
        form.is_bound, form.data, form.files, form._errors = True, data, MultiValueDict(), None
        form.fields = copy.deepcopy(form.fields)
        form._bound_fields_cache = {}
        return form

    def forms_of(self, method):
        return self.page.get_forms if method == "GET" else self.page.post_forms

    def fields(self, method) -> list[str]:
        names = []
        for spec in self.forms_of(method):
            names += [bound.html_name for bound in self.prototype(spec) if bound.html_name not in names]
        return names

    def raw_params(self, method) -> list[str]:
        get_keys, post_keys = discovered_params(self.page.name)
        extra = self.page.extra_get if method == "GET" else self.page.extra_post
        keys = (get_keys if method == "GET" else post_keys) | set(extra)
        fields = set(self.fields(method))
        return sorted(keys - fields)

    def baseline(self, method) -> dict:
        return dict((self.page.get_baseline if method == "GET" else self.page.post_baseline)(self.ctx))

    def accepted(self, method, base: dict, value) -> list[str]:
        """The fields whose form lets `value` through, the rest of the baseline being valid."""
        names = []
        for spec in self.forms_of(method):
            if not spec.check:
                continue
            for name in [bound.html_name for bound in self.prototype(spec)]:
                data = {**base, name: value}
                try:
                    with transaction.atomic():
                        form = self.bind(spec, querydict(data))
                        form.is_valid()
                        refused = any(form.add_prefix(n) == name for n in form.errors)
                except Exception:
                    refused = False  # let the request show the error
                if not refused:
                    names.append(name)
        return names

    def forms_valid(self, method, data) -> bool:
        try:
            with transaction.atomic():
                return all(self.bind(spec, querydict(data)).is_valid() for spec in self.forms_of(method) if spec.check)
        except Exception:
            return False

    # --- The three kinds of requests ---

    def all_bad(self, method, url, *, raw=True):
        params = self.fields(method) + self.raw_params(method)
        if not params:
            # Nothing is read: the values as parameters nobody expects, in two requests.
            junk = {f"p{i}": value for i, value in enumerate(VALUES)}
            self.check(method, url, {}, junk)
            self.check(method, url, {}, {f"p{i}": value for i, value in enumerate(LISTS)})
            return
        # The parameters that choose what the form is (the mode of the company step, the action of
        # the code step) stay valid in a second round, so that the fields' refusals are shown too.
        base = self.baseline(method)
        selectors = {name: base[name] for name in self.raw_params(method) if name in base}
        fields = self.fields(method)
        for value in [*VALUES, *LISTS]:
            # With the selectors bad too, the fields are not even read: the lists only, then.
            if not (selectors and fields) or (raw and isinstance(value, list)):
                self.check(method, url, {}, dict.fromkeys(params, value))
            if selectors and fields:
                self.check(method, url, selectors, {**selectors, **dict.fromkeys(fields, value)})
        self.check(method, url, {}, {})  # every field missing
        for query in nested_queries(params):
            self.check(method, url, {}, query)

    def bad_among_good(self, method, url):
        base = self.baseline(method)
        if not base and not self.forms_of(method):
            return
        base_valid = self.forms_valid(method, base)
        self.check(method, url, base, base)
        for value in [*VALUES, *LISTS]:
            accepted = self.accepted(method, base, value)
            data = {**base, **dict.fromkeys(accepted, value)}
            if accepted and base_valid and not self.forms_valid(method, data):
                # Accepted one by one, refused together (two dates in the wrong order): one by one then.
                for name in accepted:
                    self.check(method, url, base, {**base, name: value})
            elif data != base:
                self.check(method, url, base, data)
        for query in nested_queries(list(base)):
            self.check(method, url, base, {**base, **query})
        if any(spec.cls is AttachmentsForm for spec in self.forms_of(method)):
            self.check(method, url, base, {**base, "files": odd_files()}, param="files", value="odd files")

    def raw_among_good(self, method, url):
        """Each parameter read outside the forms, bad, the rest of the request valid."""
        base = self.baseline(method)
        for name in self.raw_params(method):
            for value in [*VALUES, *LISTS]:
                self.check(method, url, base, {**base, name: value})

    def bad_path(self, methods):
        real = self.page.args(self.ctx)
        for arg, value in real.items():
            for bad in [*PATH_VALUES, f"{value}x"]:
                url = self.url(**{arg: bad})
                for method in methods:
                    base = self.baseline(method)
                    self.check(method, url, base, base, param=f"<path {arg}>", value=bad)

    def mixed(self, method, url, rounds=4):
        """A few requests where each parameter gets a different bad value, the
        values turning between rounds: every value is sent, in few requests."""
        params = self.fields(method) + self.raw_params(method) or [f"p{i}" for i in range(8)]
        every = [*VALUES, *LISTS]
        for round_ in range(rounds):
            data = {name: every[(i * rounds + round_) % len(every)] for i, name in enumerate(params)}
            self.check(method, url, {}, data)
        self.check(method, url, {}, {})

    def run(self, *, whole=True, first=True):
        """Everything for the page's first user; for the others, the bad values
        in a few requests. The path's arguments, and the parameters that choose
        the form, with the page's first variant only."""
        url = self.url()
        for method in ("GET", "POST"):
            if method in (self.page.fuzz_methods or self.page.methods):
                if not whole:
                    self.mixed(method, url)
                    continue
                self.all_bad(method, url, raw=first)
                self.bad_among_good(method, url)
                if first:
                    self.raw_among_good(method, url)
            elif method not in self.page.methods:  # refused (405), but with bad values all the same
                self.check(method, url, {}, {"p": LISTS[-1], "q": LONG})
        if whole and first:
            self.bad_path(self.page.methods)

    def run_as_outsider(self):
        """Somebody the page is not for: one request per method, every parameter bad."""
        url = self.url()
        for method in self.page.methods:
            self.mixed(method, url, rounds=1)


def odd_files():
    return [
        SimpleUploadedFile("😀 <script>.pdf", b"", content_type="application/pdf"),
        SimpleUploadedFile("." * 300, b"%PDF-1.4 not really", content_type="text/html"),
        SimpleUploadedFile("ticket.jpg\x00.exe", b"MZ\x90\x00", content_type="image/jpeg"),
    ]


def nested_queries(params):
    """A search kept as a query string (saved searches, subscriptions,
    exports): the agents' search fields, each set to a bad value."""
    if "query" not in params:
        return []
    names = [bound.html_name for bound in ReportSearchForm()]
    queries = [urlencode(dict.fromkeys(names, value)) for value in ("abc", "!!", "😀", BIG, "\x00", "2026-02-30")]
    queries += ["%00=1", "telephone=++&site=http://", "page=" + BIG, "&&&==", "%zz"]
    return [{"query": query} for query in queries]


# --- The URLs and the parameters, found in the code ----------------------------------------

PROJECT_PACKAGES = ("accounts", "companies", "reports", "signalconso", "notifications")


def named_patterns() -> dict[str, URLPattern]:
    """Every named URL of the site but the admin site's."""
    found = {}

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, namespace + ([pattern.namespace] if pattern.namespace else []))
            elif pattern.name:
                found.setdefault(":".join([*namespace, pattern.name]), pattern)

    walk(get_resolver().url_patterns, [])
    return found


MARKER = "zzfuzzmarker"


def build_url(name: str, args: dict) -> str:
    """The page's URL with these arguments, even those its converters refuse."""
    pattern = named_patterns()[name]
    converters = pattern.pattern.converters
    markers = {}
    for i, (arg, converter) in enumerate(converters.items()):
        if isinstance(converter, IntConverter):
            markers[arg] = 987_654_321_000 + i
        elif isinstance(converter, UUIDConverter):
            markers[arg] = uuid.UUID(int=0xFACADE + i)
        elif isinstance(converter, SiretConverter):
            markers[arg] = str(98_765_432_100_000 + i)
        else:
            markers[arg] = f"{MARKER}{i}"
    url = reverse(name, kwargs=markers)
    for arg, marker in markers.items():
        url = url.replace(str(marker), quote(str(args[arg]), safe=""), 1)
    return url


PARAM_READS = [
    re.compile(r"""request\.(GET|POST)\.(?:get|getlist|pop)\(\s*["']([^"']+)["']"""),
    re.compile(r"""request\.(GET|POST)\[\s*["']([^"']+)["']\s*\]"""),
]
PARAM_TESTS = re.compile(r"""["']([^"']+)["']\s+(?:not\s+)?in\s+request\.(GET|POST)\b""")


def _project_callable(obj) -> bool:
    module = getattr(obj, "__module__", "") or ""
    return module.split(".")[0] in PROJECT_PACKAGES and (inspect.isfunction(obj) or inspect.isclass(obj))


def _names_in(code) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_in(const)
    return names


def reached_functions(view) -> list:
    """The view and the project's functions it calls, as far as they go."""
    seen, order = set(), []

    def visit(func):
        func = inspect.unwrap(func)
        if inspect.isclass(func):
            for member in vars(func).values():
                if inspect.isfunction(member):
                    visit(member)
            return
        if not inspect.isfunction(func) or func in seen:
            return
        seen.add(func)
        order.append(func)
        names = _names_in(func.__code__)
        for name in names:
            target = func.__globals__.get(name)
            if inspect.ismodule(target) and target.__name__.split(".")[0] in PROJECT_PACKAGES:
                for attribute in names:
                    candidate = getattr(target, attribute, None)
                    if _project_callable(candidate) and inspect.isfunction(candidate):
                        visit(candidate)
            elif _project_callable(target) and inspect.isfunction(target):
                visit(target)

    callback = view
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        for klass in view_class.__mro__:
            if klass.__module__.split(".")[0] in PROJECT_PACKAGES:
                visit(klass)
    else:
        visit(callback)
    return order


_DISCOVERED: dict = {}


def discovered_params(name: str) -> tuple[set, set]:
    """The GET and POST parameters the page's code reads outside its forms."""
    if name not in _DISCOVERED:
        get_keys, post_keys = set(), set()
        for func in reached_functions(named_patterns()[name].callback):
            try:
                source = inspect.getsource(func)
            except (OSError, TypeError):
                continue
            for regex in PARAM_READS:
                for method, key in regex.findall(source):
                    (get_keys if method == "GET" else post_keys).add(key)
            for key, method in PARAM_TESTS.findall(source):
                (get_keys if method == "GET" else post_keys).add(key)
        _DISCOVERED[name] = (get_keys, post_keys)
    return _DISCOVERED[name]


# --- Known 500s -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One request: the page (and its variant), the user, the parameter and its value.
    With a reason, a known 500: the exception it raises, on which databases."""

    page: str
    method: str
    param: str
    value: object
    role: str
    variant: str = ""
    reason: str = ""
    error: str = ""  # the exception's class, as the cause starts
    db: str = ""  # "postgresql" or "sqlite" when only one of them fails

    def __str__(self):
        return f"{self.method} {self.page} {self.param}={shown(self.value)} as {self.role}"

    @property
    def expected_to_fail(self) -> bool:
        return bool(self.reason) and self.db in ("", "postgresql" if ON_POSTGRES else "sqlite")

    def explains(self, failure: "Failure") -> bool:
        return (
            self.expected_to_fail
            and (self.page, self.method, self.param) == (failure.page, failure.method, failure.param)
            and failure.cause.startswith(self.error)
        )


EMPTY_FILE = "an empty file"

# The 500s of the past, which must stay fixed (with a reason: not fixed yet).
PAST_500 = [
    Case("agents:search", "GET", "telephone", "abc", "agent"),
    Case("agents:search", "GET", "telephone", "++", "agent"),
    Case("agents:search", "GET", "site", "!!", "agent"),
    Case("agents:search", "GET", "site", "http://", "agent"),
    Case("agents:search", "GET", "site", "😀", "agent"),
    Case("pro:reports", "GET", "page", BIG, "pro"),
    Case("pro:engagements", "GET", "page", BIG, "pro"),
    Case("agents:search", "GET", "page", BIG, "agent"),
    Case("agents:companies_to_activate", "GET", "page", BIG, "agent"),
    Case(
        "agents:companies_to_activate",
        "POST",
        "company",
        "abc",
        "agent",
    ),
]

NUL_IN_QUERY = "a NUL character reaches a query or a row: PostgreSQL refuses it (DataError)"
NUL_IN_PATH = "a NUL in the URL (%00) reaches the lookup by reference or SIRET: PostgreSQL refuses it (DataError)"
_NUL_IN_PATH = [
    ("pro:report", "GET", "reference", "pro"),
    ("pro:answer", "POST", "reference", "pro"),
    ("pro:answer_preview", "GET", "reference", "pro"),
    ("pro:answer_preview", "POST", "reference", "pro"),
    ("pro:engagement_honoured", "POST", "reference", "pro"),
    ("pro:accesses", "GET", "siret", "pro"),
    ("pro:accesses", "POST", "siret", "pro"),
    ("pro:access_change", "POST", "siret", "pro"),
    ("agents:report", "GET", "reference", "agent"),
    ("agents:comment", "POST", "reference", "agent"),
    ("agents:bookmark", "POST", "reference", "agent"),
    ("agents:tags", "POST", "reference", "agent"),
    ("agents:forward", "POST", "reference", "agent"),
    ("agents:report_reopen", "POST", "reference", "admin"),
    ("agents:report_anonymise", "POST", "reference", "admin"),
    ("agents:report_change_company", "POST", "reference", "admin"),
    ("agents:report_delete", "POST", "reference", "admin"),
    ("agents:company", "GET", "siret", "agent"),
]

# The 500s this fuzz found when it was written, each with its cause; all fixed since (see FIXED below).
FOUND_500 = [
    Case(
        "agents:companies_to_activate",
        "POST",
        "company",
        BIG,
        "agent",
        reason="pk__in with an id beyond 64 bits: OverflowError on SQLite",
        error="OverflowError",
        db="sqlite",
    ),
    Case(
        "pro:settings",
        "POST",
        "alerts",
        "²",
        "pro",
        reason="settings_view keeps alerts whose str.isdigit() is true, then int('²') raises ValueError",
        error="ValueError",
    ),
    Case(
        "pro:settings",
        "POST",
        "alerts",
        BIG,
        "pro",
        reason="company_alerts_set filters pk__in with an id beyond 64 bits: OverflowError on SQLite",
        error="OverflowError",
        db="sqlite",
    ),
    Case(
        "agents:comment",
        "POST",
        "files",
        EMPTY_FILE,
        "agent",
        reason="report_comment renders the page inside the atomic block it marked for rollback "
        "when a file is refused: TransactionManagementError",
        error="TransactionManagementError",
    ),
    Case(
        "companies:search",
        "GET",
        "departement",
        "\x00",
        "anonymous",
        reason=NUL_IN_QUERY,
        error="DataError",
        db="postgresql",
    ),
    Case(
        "agents:export_create",
        "POST",
        "reference",
        "\x00",
        "agent",
        reason=NUL_IN_QUERY,
        error="DataError",
        db="postgresql",
    ),
    Case(
        "agents:export_create",
        "POST",
        "query",
        "\x00",
        "agent",
        reason=NUL_IN_QUERY,
        error="DataError",
        db="postgresql",
    ),
    Case(
        "agents:search_save", "POST", "query", "\x00", "agent", reason=NUL_IN_QUERY, error="DataError", db="postgresql"
    ),
    Case(
        "agents:website_foreign",
        "POST",
        "country",
        "\x00",
        "agent",
        reason=NUL_IN_QUERY,
        error="DataError",
        db="postgresql",
    ),
    Case(
        "agents:website_marketplace",
        "POST",
        "country",
        "\x00",
        "agent",
        reason=NUL_IN_QUERY,
        error="DataError",
        db="postgresql",
    ),
    Case(
        "agents:subscriptions",
        "POST",
        "query",
        "%00=1",
        "agent",
        reason="subscription_create keeps a filter named NUL in a JSON field: PostgreSQL refuses \\u0000 (DataError)",
        error="DataError",
        db="postgresql",
    ),
    *[
        Case(page, method, f"<path {arg}>", "\x00", role, reason=NUL_IN_PATH, error="DataError", db="postgresql")
        for page, method, arg, role in _NUL_IN_PATH
    ],
]


# Fixed: they join the past 500s, which must stay fixed. A 500 found and not fixed yet goes in
# KNOWN_500, with its reason: a strict xfail until it is.
PAST_500 += [replace(case, reason="", error="", db="") for case in FOUND_500]
KNOWN_500: list[Case] = []


def _is_known(failure) -> bool:
    return any(case.explains(failure) for case in [*PAST_500, *KNOWN_500])


def _variants(page: Page, w) -> list[Page]:
    pages = [page] if page.base else []
    if page.variants is not None:
        pages += [replace(page, **overrides) for overrides in page.variants(w)]
    return pages


# --- The tests ----------------------------------------------------------------------------------


def test_every_page_of_the_site_is_fuzzed():
    assert sorted(named_patterns()) == sorted(PAGES_BY_NAME)


def test_every_form_class_is_fuzzed(world):
    """Each form of the forms modules is bound by at least one page (or one of its variants)."""
    fuzzed = set()
    for page in PAGES:
        for variant in _variants(page, world):
            fuzzed |= {spec.cls for spec in variant.get_forms + variant.post_forms}
    modules = [
        "accounts.forms",
        "companies.forms",
        "reports.wizard.forms",
        "reports.pro.forms",
        "reports.agents.forms",
        "reports.files.forms",
    ]
    defined = set()
    for module in modules:
        namespace = importlib.import_module(module)
        defined |= {
            obj
            for obj in vars(namespace).values()
            if inspect.isclass(obj) and issubclass(obj, forms.BaseForm) and obj.__module__ == module
        }
    assert defined - fuzzed == set()


def test_the_parameters_views_read_are_found():
    """The discovery reads the code: the parameters of the past 500s are among them."""
    assert {"page", "apres", "avant", "fin"} <= discovered_params("agents:search")[0]
    assert {"onglet", "page"} <= discovered_params("pro:reports")[0]
    assert {"q"} <= discovered_params("agents:companies")[0]
    assert {"q", "code_postal", "departement"} <= discovered_params("companies:search")[0]
    assert {"company"} <= discovered_params("agents:companies_to_activate")[1]
    assert {"mode"} <= discovered_params("reports:company")[1]
    assert {"remove"} <= discovered_params("reports:details")[1]
    assert {"alerts"} <= discovered_params("pro:settings")[1]


def test_every_parameter_the_code_reads_is_fuzzed():
    """What the views' code reads of the query and the POST, found by reading
    every module of the project, is fuzzed on some page: the discovery misses nothing."""
    read = set()
    root = Path(__file__).resolve().parent.parent
    for package in PROJECT_PACKAGES:
        for module in (root / package).rglob("*.py"):
            source = module.read_text()
            read |= {key for regex in PARAM_READS for _method, key in regex.findall(source)}
            read |= {key for key, _method in PARAM_TESTS.findall(source)}
    fuzzed = set()
    for page in PAGES:
        get_keys, post_keys = discovered_params(page.name)
        fuzzed |= get_keys | post_keys | set(page.extra_get) | set(page.extra_post)
    assert read - fuzzed == set()


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_no_malformed_value_makes_a_500(page, world):
    failures, requests = [], 0
    for index, variant in enumerate(_variants(page, world)):
        for role in variant.users:
            fuzzer = Fuzzer(variant, role, world)
            fuzzer.run(whole=role == variant.users[0], first=index == 0)
            failures += fuzzer.failures
            requests += fuzzer.requests
            if os.environ.get("FUZZ_VERBOSE"):
                print(f"\n{page.name} [{variant.label}] as {role}: {dict(fuzzer.statuses.most_common())}")
    # Somebody the page is not for; a public page (a link of an email) is anybody's.
    public = {"anonymous", "consumer"} & set(page.users)
    for role in ("anonymous", "pro", "agent", "admin"):
        if role not in page.users and not public:
            fuzzer = Fuzzer(_variants(page, world)[0], role, world)
            fuzzer.run_as_outsider()
            failures += fuzzer.failures
            requests += fuzzer.requests
    unknown = [failure for failure in failures if not _is_known(failure)]
    unique = list({(f.method, f.url, f.param, shown(f.value), f.cause): f for f in unknown}.values())
    assert not unique, f"{len(unique)} answers were 500 ({requests} requests):\n" + "\n".join(map(str, unique))


def _case_param(case: Case):
    marks = []
    if case.reason:
        marks.append(pytest.mark.xfail(condition=case.expected_to_fail, strict=True, reason=case.reason))
    return pytest.param(case, id=str(case), marks=marks)


@pytest.mark.parametrize("case", [_case_param(case) for case in [*PAST_500, *KNOWN_500]])
def test_known_and_past_500s(case, world):
    page = next(p for p in _variants(PAGES_BY_NAME[case.page], world) if p.label == case.variant)
    fuzzer = Fuzzer(page, case.role, world)
    base = fuzzer.baseline(case.method)
    if case.param.startswith("<path "):
        cause = fuzzer.send(case.method, fuzzer.url(**{case.param[len("<path ") : -1]: case.value}), base)
    else:
        value = [SimpleUploadedFile("vide.pdf", b"")] if case.value == EMPTY_FILE else case.value
        cause = fuzzer.send(case.method, fuzzer.url(), {**base, case.param: value})
    assert cause is None, cause
