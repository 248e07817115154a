"""Who gets what, on every URL of the site: the permission matrix.

Each row of MATRIX is one URL pattern (a `#variant` names another object
behind the same pattern) and one method, then the answer each member of the
cast gets (tests/permissions_world.py builds the cast and what they try):

    200, 400, 403, 404, 405   that status
    LOGIN                     302 to a login page (ours, or the admin site's, which sends to ours)
    GO                        302 somewhere else
    DONE                      302, and the POST did what it is for (its effect is seen)
    SHOWN                     200, and the POST did what it is for (the page it answers says so)
    NOOP                      302, and nothing changed (a refusal told in a message)

Whenever a POST row has an effect to look at, every answer but DONE and SHOWN must
leave it unchanged. The consumer's signed links (follow-up, its files and
receipt, review, re-attribution) are tried by the `link` column with the real
link and by everybody else with the same link tampered with; the links of the
account emails (address change, invitation, password reset, activation) are
held by every column.

Around the matrix: `test_every_url_pattern_has_its_rows` fails when a URL
pattern exists that the matrix does not list (a developer adding a URL adds its
GET and POST rows); the admin site's generated pages are one group
(ADMIN_MODELS); every GET of the French site answers the same under /en/; and
wherever an object is refused to an outsider, a URL about an object that does
not exist gets the very same answer.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.test.client import ClientHandler
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Invitation, User
from companies.models import CompanyAccess, LetterBatch, Website
from inspections.models import Inspection
from notifications.models import EmailStatus, OutgoingEmail, Subscription
from notifications.services import email_queue
from reports import lifecycle
from reports.models import (
    Attachment,
    Bookmark,
    Category,
    Comment,
    Export,
    Report,
    ReportStatus,
    Response,
    Review,
    SavedSearch,
)
from reports.pro.views import DRAFT_KEY
from signalconso.audit import Event

from .permissions_world import CAST, PASSWORD, build_world
from .reports.factories import ReportFactory

pytestmark = pytest.mark.django_db

GET, POST = "GET", "POST"
LOGIN, GO, DONE, SHOWN, NOOP = "login", "go", "done", "shown", "noop"
L = LOGIN

# fmt: off
# The columns: anon, link, member, pro_admin, sibling, head, other_pro, agent, food, ro_admin, admin.
MATRIX = [
    # --- The site's own pages, the public API, the statistics ------------------------------------------
    # url                                  method anon link memb padm sibl head othr agnt food ro   adm
    ("healthz",                            GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("healthz",                            POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    # Prometheus's scrape: only the internal network or the bearer token (none here), whoever is signed in.
    ("metrics",                            GET,  404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("metrics",                            POST, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("home",                               GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("home",                               POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("accessibility",                      GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("accessibility",                      POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("legal_notice",                       GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("legal_notice",                       POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("terms",                              GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("terms",                              POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("personal_data",                      GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("personal_data",                      POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("security",                           GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("security",                           POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("security_txt",                       GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("security_txt",                       POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    # Browsers report what the CSP blocked: anybody may, nobody reads it back.
    ("csp_report",                         GET,  405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("csp_report",                         POST, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204),
    ("companies:search",                   GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("companies:search",                   POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("statistics",                         GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("statistics",                         POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("statistics_method",                  GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("statistics_method",                  POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("statistics_json",                    GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("statistics_json",                    POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("statistics_csv",                     GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("statistics_csv",                     POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    # --- Accounts -----------------------------------------------------------------------------------------
    # url                                  method anon link memb padm sibl head othr agnt food ro   adm
    ("accounts:account",                   GET,  L,   L,   200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("accounts:account",                   POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("accounts:account_names",             GET,  405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("accounts:account_names",             POST, L,   L,   DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE),
    ("accounts:account_departments",       GET,  405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("accounts:account_departments",       POST, L,   L,   NOOP,NOOP,NOOP,NOOP,NOOP,DONE,DONE,DONE,DONE),
    ("accounts:account_email",             GET,  405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("accounts:account_email",             POST, L,   L,   DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE),
    # The member's link to confirm a new address: theirs only.
    ("accounts:email_confirm",             GET,  L,   L,   200, GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("accounts:email_confirm",             POST, L,   L,   DONE,NOOP,NOOP,NOOP,NOOP,NOOP,NOOP,NOOP,NOOP),
    # An invitation to e1 for a new address: whoever holds the link sees it; only a new account
    # takes it, nobody signed in as somebody else.
    ("accounts:invitation",                GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("accounts:invitation",                POST, DONE,DONE,NOOP,NOOP,NOOP,NOOP,NOOP,NOOP,NOOP,NOOP,NOOP),
    ("accounts:login",                     GET,  200, 200, GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("accounts:login",                     POST, 200, 200, GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("accounts:otp",                       GET,  L,   L,   L,   L,   L,   L,   L,   L,   L,   L,   L),
    ("accounts:otp",                       POST, L,   L,   L,   L,   L,   L,   L,   L,   L,   L,   L),
    ("accounts:otp_setup",                 GET,  L,   L,   L,   L,   L,   L,   L,   L,   L,   L,   L),
    ("accounts:otp_setup",                 POST, L,   L,   L,   L,   L,   L,   L,   L,   L,   L,   L),
    # The mailbox's link before a first authenticator: only in the browser that is logging in.
    ("accounts:otp_setup_link",            GET,  L,   L,   L,   L,   L,   L,   L,   L,   L,   L,   L),
    ("accounts:otp_setup_link",            POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("accounts:logout",                    GET,  405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("accounts:logout",                    POST, NOOP,NOOP,DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE),
    ("accounts:password_reset",            GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("accounts:password_reset",            POST, DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE),
    ("accounts:password_reset_done",       GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("accounts:password_reset_done",       POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    # The member's reset link: it goes on to the form that chooses the password.
    ("accounts:password_reset_confirm",    GET,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("accounts:password_reset_confirm",    POST, GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("accounts:password_reset_complete",   GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("accounts:password_reset_complete",   POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("accounts:password_change",           GET,  L,   L,   200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("accounts:password_change",           POST, L,   L,   DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE),
    ("accounts:password_change_done",      GET,  L,   L,   200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("accounts:password_change_done",      POST, L,   L,   405, 405, 405, 405, 405, 405, 405, 405, 405),
    # --- The consumer: the wizard (public; without a draft each step sends back to the first missing) ---
    # url                                  method anon link memb padm sibl head othr agnt food ro   adm
    ("reports:problem",                    GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("reports:problem",                    POST, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("reports:problem_node",               GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("reports:problem_node",               POST, GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("reports:company",                    GET,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("reports:company",                    POST, GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("reports:details",                    GET,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("reports:details",                    POST, GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("reports:consumer",                   GET,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("reports:consumer",                   POST, GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("reports:verification",               GET,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("reports:verification",               POST, GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("reports:confirmation",               GET,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("reports:confirmation",               POST, GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("reports:done",                       GET,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO,  GO),
    ("reports:done",                       POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    # --- The consumer's signed links: the link opens them, a signed-in account does not -------------------
    ("reports:follow_up",                  GET,  404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("reports:follow_up",                  POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("reports:receipt",                    GET,  404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("reports:receipt",                    POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    # A new link, sent to the report's own address; the erasure of the consumer's data.
    ("reports:follow_up_renew",            GET,  405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("reports:follow_up_renew",            POST, 404, SHOWN,404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("reports:follow_up_erase",            GET,  404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("reports:follow_up_erase",            POST, 404, SHOWN,404, 404, 404, 404, 404, 404, 404, 404, 404),
    # Files through the follow-up link: the consumer's and the company's, never the agents', never unscanned.
    ("reports:follow_up_attachment",       GET,  404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("reports:follow_up_attachment",       POST, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("reports:follow_up_attachment#pro",   GET,  404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("reports:follow_up_attachment#agent", GET,  404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("reports:follow_up_attachment#pending",GET, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("reports:follow_up_attachment#infected",GET,404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("reports:review",                     GET,  404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("reports:review",                     POST, 404, DONE,404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("reports:reattribute",                GET,  404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("reports:reattribute",                POST, 404, DONE,404, 404, 404, 404, 404, 404, 404, 404, 404),
    # --- The companies' space -------------------------------------------------------------------------------
    # url                                  method anon link memb padm sibl head othr agnt food ro   adm
    ("pro:reports",                        GET,  L,   L,   200, 200, 200, 200, 200, 404, 404, 404, 404),
    ("pro:reports",                        POST, L,   L,   405, 405, 405, 405, 405, 404, 404, 404, 404),
    ("pro:report",                         GET,  L,   L,   200, 200, 404, 200, 404, 404, 404, 404, 404),
    ("pro:report",                         POST, L,   L,   405, 405, 405, 405, 405, 404, 404, 404, 404),
    ("pro:report#kept",                    GET,  L,   L,   404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("pro:answer",                         GET,  L,   L,   405, 405, 405, 405, 405, 404, 404, 404, 404),
    ("pro:answer",                         POST, L,   L,   GO,  GO,  404, GO,  404, 404, 404, 404, 404),
    # Each professional has the answer ready in their session.
    ("pro:answer_preview",                 GET,  L,   L,   200, 200, 404, 200, 404, 404, 404, 404, 404),
    ("pro:answer_preview",                 POST, L,   L,   DONE,DONE,404, DONE,404, 404, 404, 404, 404),
    ("pro:engagements",                    GET,  L,   L,   200, 200, 200, 200, 200, 404, 404, 404, 404),
    ("pro:engagements",                    POST, L,   L,   405, 405, 405, 405, 405, 404, 404, 404, 404),
    ("pro:engagement_honoured",            GET,  L,   L,   405, 405, 405, 405, 405, 404, 404, 404, 404),
    ("pro:engagement_honoured",            POST, L,   L,   DONE,DONE,404, DONE,404, 404, 404, 404, 404),
    ("pro:figures",                        GET,  L,   L,   200, 200, 200, 200, 200, 404, 404, 404, 404),
    ("pro:figures",                        POST, L,   L,   405, 405, 405, 405, 405, 404, 404, 404, 404),
    ("pro:settings",                       GET,  L,   L,   200, 200, 200, 200, 200, 404, 404, 404, 404),
    ("pro:settings",                       POST, L,   L,   DONE,DONE,DONE,DONE,DONE,404, 404, 404, 404),
    # e1's users: its administrators invite, change and revoke. A head office's access does not reach
    # an establishment's users.
    ("pro:accesses",                       GET,  L,   L,   200, 200, 404, 404, 404, 404, 404, 404, 404),
    ("pro:accesses",                       POST, L,   L,   403, DONE,404, 404, 404, 404, 404, 404, 404),
    ("pro:access_change",                  GET,  L,   L,   405, 405, 405, 405, 405, 404, 404, 404, 404),
    ("pro:access_change",                  POST, L,   L,   403, DONE,404, 404, 404, 404, 404, 404, 404),
    # Activation: public, the code (then the emailed link) is the key.
    ("pro:activate",                       GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("pro:activate",                       POST, DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE),
    ("pro:activate_sent",                  GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("pro:activate_sent",                  POST, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("pro:activate_finish",                GET,  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("pro:activate_finish",                POST, DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE,DONE),
    # --- The agents' space ----------------------------------------------------------------------------------
    # url                                  method anon link memb padm sibl head othr agnt food ro   adm
    ("agents:home",                        GET,  L,   L,   404, 404, 404, 404, 404, 200, 200, 200, 200),
    ("agents:home",                        POST, L,   L,   404, 404, 404, 404, 404, 405, 405, 403, 405),
    ("agents:invite",                      GET,  L,   L,   404, 404, 404, 404, 404, 403, 403, 403, 200),
    ("agents:invite",                      POST, L,   L,   404, 404, 404, 404, 404, 403, 403, 403, DONE),
    ("agents:search",                      GET,  L,   L,   404, 404, 404, 404, 404, 200, 200, 200, 200),
    ("agents:search",                      POST, L,   L,   404, 404, 404, 404, 404, 405, 405, 403, 405),
    ("agents:search_save",                 GET,  L,   L,   404, 404, 404, 404, 404, 405, 405, 405, 405),
    ("agents:search_save",                 POST, L,   L,   404, 404, 404, 404, 404, DONE,DONE,DONE,DONE),
    # The agent's saved search: nobody else's to forget.
    ("agents:search_forget",               GET,  L,   L,   404, 404, 404, 404, 404, 405, 405, 405, 405),
    ("agents:search_forget",               POST, L,   L,   404, 404, 404, 404, 404, DONE,404, 404, 404),
    ("agents:report",                      GET,  L,   L,   404, 404, 404, 404, 404, 200, 404, 200, 200),
    ("agents:report",                      POST, L,   L,   404, 404, 404, 404, 404, 405, 405, 403, 405),
    ("agents:report#food",                 GET,  L,   L,   404, 404, 404, 404, 404, 200, 200, 200, 200),
    ("agents:report#kept",                 GET,  L,   L,   404, 404, 404, 404, 404, 200, 404, 200, 200),
    ("agents:comment",                     GET,  L,   L,   404, 404, 404, 404, 404, 405, 405, 405, 405),
    ("agents:comment",                     POST, L,   L,   404, 404, 404, 404, 404, DONE,404, 403, DONE),
    ("agents:comment#food",                POST, L,   L,   404, 404, 404, 404, 404, DONE,DONE,403, DONE),
    # --- Inspections: every agent acts (no departmental scope), food-safety agents on food reports only ---
    # url                                  method anon link memb padm sibl head othr agnt food ro   adm
    ("inspections:list",                   GET,  L,   L,   404, 404, 404, 404, 404, 200, 200, 200, 200),
    ("inspections:list",                   POST, L,   L,   404, 404, 404, 404, 404, 405, 405, 403, 405),
    ("inspections:export",                 GET,  L,   L,   404, 404, 404, 404, 404, 200, 200, 200, 200),
    ("inspections:export",                 POST, L,   L,   404, 404, 404, 404, 404, 405, 405, 403, 405),
    ("inspections:candidates",             GET,  L,   L,   404, 404, 404, 404, 404, 200, 200, 200, 200),
    ("inspections:candidates",             POST, L,   L,   404, 404, 404, 404, 404, 405, 405, 403, 405),
    ("inspections:figures",                GET,  L,   L,   404, 404, 404, 404, 404, 200, 200, 200, 200),
    ("inspections:figures",                POST, L,   L,   404, 404, 404, 404, 404, 405, 405, 403, 405),
    # Launched from a report that is not about food: the food-safety agent does not read it.
    ("inspections:new",                    GET,  L,   L,   404, 404, 404, 404, 404, 200, GO,  200, 200),
    ("inspections:new",                    POST, L,   L,   404, 404, 404, 404, 404, DONE,400, 403, DONE),
    ("inspections:new#food",               GET,  L,   L,   404, 404, 404, 404, 404, 200, 200, 200, 200),
    ("inspections:new#food",               POST, L,   L,   404, 404, 404, 404, 404, DONE,DONE,403, DONE),
    # From the search's ticked reports: the form, filled in, nothing launched yet.
    ("inspections:new#ticked",             POST, L,   L,   404, 404, 404, 404, 404, 200, GO,  403, 200),
    ("inspections:detail",                 GET,  L,   L,   404, 404, 404, 404, 404, 200, 404, 200, 200),
    ("inspections:detail",                 POST, L,   L,   404, 404, 404, 404, 404, 405, 405, 403, 405),
    ("inspections:detail#food",            GET,  L,   L,   404, 404, 404, 404, 404, 200, 200, 200, 200),
    ("inspections:start",                  GET,  L,   L,   404, 404, 404, 404, 404, 405, 405, 405, 405),
    ("inspections:start",                  POST, L,   L,   404, 404, 404, 404, 404, DONE,404, 403, DONE),
    ("inspections:start#food",             POST, L,   L,   404, 404, 404, 404, 404, DONE,DONE,403, DONE),
    ("inspections:conclude",               GET,  L,   L,   404, 404, 404, 404, 404, 405, 405, 405, 405),
    ("inspections:conclude",               POST, L,   L,   404, 404, 404, 404, 404, DONE,404, 403, DONE),
    ("inspections:cancel",                 GET,  L,   L,   404, 404, 404, 404, 404, 405, 405, 405, 405),
    ("inspections:cancel",                 POST, L,   L,   404, 404, 404, 404, 404, DONE,404, 403, DONE),
    ("agents:bookmark",                    GET,  L,   L,   404, 404, 404, 404, 404, 405, 405, 405, 405),
    ("agents:bookmark",                    POST, L,   L,   404, 404, 404, 404, 404, DONE,404, DONE,DONE),
    ("agents:tags",                        GET,  L,   L,   404, 404, 404, 404, 404, 405, 405, 405, 405),
    ("agents:tags",                        POST, L,   L,   404, 404, 404, 404, 404, DONE,404, 403, DONE),
    ("agents:forward",                     GET,  L,   L,   404, 404, 404, 404, 404, 405, 405, 405, 405),
    ("agents:forward",                     POST, L,   L,   404, 404, 404, 404, 404, DONE,404, 403, DONE),
    # An administrator's actions: refused to the rest of the staff before the report is even looked up.
    ("agents:report_reopen",               GET,  L,   L,   404, 404, 404, 404, 404, 403, 403, 403, 405),
    ("agents:report_reopen",               POST, L,   L,   404, 404, 404, 404, 404, 403, 403, 403, DONE),
    ("agents:report_anonymise",            GET,  L,   L,   404, 404, 404, 404, 404, 403, 403, 403, 405),
    ("agents:report_anonymise",            POST, L,   L,   404, 404, 404, 404, 404, 403, 403, 403, DONE),
    ("agents:report_change_company",       GET,  L,   L,   404, 404, 404, 404, 404, 403, 403, 403, 405),
    ("agents:report_change_company",       POST, L,   L,   404, 404, 404, 404, 404, 403, 403, 403, DONE),
    ("agents:report_delete",               GET,  L,   L,   404, 404, 404, 404, 404, 403, 403, 403, 405),
    ("agents:report_delete",               POST, L,   L,   404, 404, 404, 404, 404, 403, 403, 403, DONE),
    # Exports: each user's own; an agent never gets another's.
    ("agents:export_create",               GET,  L,   L,   404, 404, 404, 404, 404, 405, 405, 405, 405),
    ("agents:export_create",               POST, L,   L,   404, 404, 404, 404, 404, DONE,DONE,DONE,DONE),
    ("agents:export_create#pdf",           POST, L,   L,   404, 404, 404, 404, 404, DONE,404, DONE,DONE),
    ("agents:export",                      GET,  L,   L,   404, 404, 404, 404, 404, 200, 404, 404, 404),
    ("agents:export",                      POST, L,   L,   404, 404, 404, 404, 404, 405, 405, 403, 405),
    ("agents:export#admins",               GET,  L,   L,   404, 404, 404, 404, 404, 404, 404, 404, 200),
    ("agents:export_status",               GET,  L,   L,   404, 404, 404, 404, 404, 200, 404, 404, 404),
    ("agents:export_status",               POST, L,   L,   404, 404, 404, 404, 404, 405, 405, 403, 405),
    ("agents:export_file",                 GET,  L,   L,   404, 404, 404, 404, 404, 200, 404, 404, 404),
    ("agents:export_file",                 POST, L,   L,   404, 404, 404, 404, 404, 405, 405, 403, 405),
    ("agents:export_file#admins",          GET,  L,   L,   404, 404, 404, 404, 404, 404, 404, 404, 200),
    ("agents:companies",                   GET,  L,   L,   404, 404, 404, 404, 404, 200, 200, 200, 200),
    ("agents:companies",                   POST, L,   L,   404, 404, 404, 404, 404, 405, 405, 403, 405),
    ("agents:most_reported",               GET,  L,   L,   404, 404, 404, 404, 404, 200, 200, 200, 200),
    ("agents:most_reported",               POST, L,   L,   404, 404, 404, 404, 404, 405, 405, 403, 405),
    ("agents:company",                     GET,  L,   L,   404, 404, 404, 404, 404, 200, 200, 200, 200),
    ("agents:company",                     POST, L,   L,   404, 404, 404, 404, 404, 405, 405, 403, 405),
    # Letters and websites act on every report of a company: not for food-safety agents.
    ("agents:companies_to_activate",       GET,  L,   L,   404, 404, 404, 404, 404, 200, 404, 200, 200),
    ("agents:companies_to_activate",       POST, L,   L,   404, 404, 404, 404, 404, DONE,404, 403, DONE),
    ("agents:letter_batch",                GET,  L,   L,   404, 404, 404, 404, 404, 200, 404, 200, 200),
    ("agents:letter_batch",                POST, L,   L,   404, 404, 404, 404, 404, DONE,404, 403, DONE),
    # The PDF carries live activation codes: for those who post letters only.
    ("agents:letter_batch_pdf",            GET,  L,   L,   404, 404, 404, 404, 404, 200, 404, 404, 200),
    ("agents:letter_batch_pdf",            POST, L,   L,   404, 404, 404, 404, 404, 405, 404, 404, 405),
    ("agents:websites",                    GET,  L,   L,   404, 404, 404, 404, 404, 200, 404, 200, 200),
    ("agents:websites",                    POST, L,   L,   404, 404, 404, 404, 404, 405, 404, 403, 405),
    ("agents:website_identify",            GET,  L,   L,   404, 404, 404, 404, 404, 405, 404, 405, 405),
    ("agents:website_identify",            POST, L,   L,   404, 404, 404, 404, 404, DONE,404, 403, DONE),
    ("agents:website_foreign",             GET,  L,   L,   404, 404, 404, 404, 404, 405, 404, 405, 405),
    ("agents:website_foreign",             POST, L,   L,   404, 404, 404, 404, 404, DONE,404, 403, DONE),
    ("agents:website_marketplace",         GET,  L,   L,   404, 404, 404, 404, 404, 405, 404, 405, 405),
    ("agents:website_marketplace",         POST, L,   L,   404, 404, 404, 404, 404, DONE,404, 403, DONE),
    ("agents:subscriptions",               GET,  L,   L,   404, 404, 404, 404, 404, 200, 200, 200, 200),
    ("agents:subscriptions",               POST, L,   L,   404, 404, 404, 404, 404, DONE,DONE,DONE,DONE),
    # The agent's subscription: nobody else's to delete.
    ("agents:subscription_delete",         GET,  L,   L,   404, 404, 404, 404, 404, 405, 405, 405, 405),
    ("agents:subscription_delete",         POST, L,   L,   404, 404, 404, 404, 404, DONE,404, 404, 404),
    # --- Files: a report's file for its readers only; agents' files never to companies; unscanned to nobody -
    # url                                  method anon link memb padm sibl head othr agnt food ro   adm
    ("attachment_download",                GET,  L,   L,   200, 200, 404, 200, 404, 200, 404, 200, 200),
    ("attachment_download",                POST, L,   L,   405, 405, 405, 405, 405, 405, 405, 405, 405),
    ("attachment_download#pro",            GET,  L,   L,   200, 200, 404, 200, 404, 200, 404, 200, 200),
    ("attachment_download#agent",          GET,  L,   L,   404, 404, 404, 404, 404, 200, 404, 200, 200),
    ("attachment_download#pending",        GET,  L,   L,   404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("attachment_download#infected",       GET,  L,   L,   404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("attachment_download#food",           GET,  L,   L,   200, 200, 404, 200, 404, 200, 200, 200, 200),
    ("attachment_download#kept",           GET,  L,   L,   404, 404, 404, 404, 404, 200, 404, 200, 200),
    # --- The admin site: its own pages (each ModelAdmin's generated ones: ADMIN_MODELS below) -------------
    ("admin:index",                        GET,  L,   L,   L,   L,   L,   L,   L,   L,   L,   200, 200),
    ("admin:index",                        POST, L,   L,   L,   L,   L,   L,   L,   L,   L,   200, 200),
    ("admin:notifications_previews",       GET,  L,   L,   L,   L,   L,   L,   L,   L,   L,   200, 200),
    ("admin:notifications_previews",       POST, L,   L,   L,   L,   L,   L,   L,   L,   L,   200, 200),
    ("admin:notifications_preview",        GET,  L,   L,   L,   L,   L,   L,   L,   L,   L,   200, 200),
    ("admin:notifications_preview",        POST, L,   L,   L,   L,   L,   L,   L,   L,   L,   200, 200),
    # The member's password, set by an administrator.
    ("admin:auth_user_password_change",    GET,  L,   L,   L,   L,   L,   L,   L,   L,   L,   403, 200),
    ("admin:auth_user_password_change",    POST, L,   L,   L,   L,   L,   L,   L,   L,   L,   403, DONE),
]

# Each registered ModelAdmin: its changelist, its add page (GET and an empty POST), and for one
# object its change page (looking: both) and delete page (GET and POST: administrators only, but
# nobody for the logs in UNDELETABLE).
# Everybody who is not an administrator is sent to log in (test_admin_site tries the changelist).
ADMIN_MODELS = [
    # model                          changelist ro  adm   add: ro  adm
    ("auth.group",                   200, 200,    403, 200),
    ("dsfr.dsfrconfig",              200, 200,    403, 200),
    ("accounts.user",                200, 200,    403, 200),
    ("accounts.totpdevice",          200, 200,    403, 403),
    ("accounts.invitation",          200, 200,    403, 403),
    ("accounts.authevent",           200, 200,    403, 403),
    ("companies.company",            200, 200,    403, 200),
    ("companies.website",            200, 200,    403, 200),
    ("companies.activationletter",   200, 200,    403, 403),
    ("reports.category",             200, 200,    403, 200),
    ("reports.tag",                  200, 200,    403, 200),
    ("reports.blockedemail",         200, 200,    403, 200),
    ("reports.report",               200, 200,    403, 403),
    ("reports.attachment",           200, 200,    403, 403),
    ("reports.authority",            200, 200,    403, 200),
    ("notifications.outgoingemail",  200, 200,    403, 403),
    ("notifications.departmentoffice", 200, 200,  403, 200),
    ("notifications.subscription",   200, 200,    403, 200),
    ("reports.export",               200, 200,    403, 403),
]
# fmt: on
# Logs nobody may change, administrators included.
UNDELETABLE = {"accounts.authevent"}


# --- What each row tries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """How one row is tried: `url(w, who)` the path; `data(w, who)` the POST's
    body; `effect(w, who, client)` a snapshot of what the POST should change;
    `before(w, who, client)` prepares the session;
    `after_commit` runs what the view leaves for after its commit (a task it
    starts), for the effect comes from there (files deleted then would stay
    deleted for the module's other tests: hence not for every row); `ghost(w, who)` the same URL
    about an object that does not exist; `reader` the row whose GET says who
    may read that object (this row itself when not given)."""

    url: Callable[[Any, str], str]
    data: Callable[[Any, str], dict] | None = None
    effect: Callable[[Any, str, Client], Any] | None = None
    before: Callable[[Any, str, Client], None] | None = None
    after_commit: bool = False
    ghost: Callable[[Any, str], str] | None = None
    reader: str | None = None


def to(name, *args, query=""):
    """The URL of `name`, its arguments taken from the world."""
    return lambda w, who: reverse(name, args=[arg(w) if callable(arg) else arg for arg in args]) + query


def tampered(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def signed(name, token_of, *more):
    """A consumer's link: the real one for `link`, tampered with for everybody else."""

    def url(w, who):
        token = token_of(w)
        return reverse(name, args=[token if who == "link" else tampered(token), *[m(w) for m in more]])

    return url


def follow_up_file(attachment_of):
    return signed("reports:follow_up_attachment", lambda w: w.tokens["follow_up"], lambda w: attachment_of(w).uid)


def count(model, **lookups):
    return lambda w, who, client: model.objects.filter(**lookups).count()


def field_of(model, pk_of, *names):
    return lambda w, who, client: model.objects.filter(pk=pk_of(w)).values_list(*names).first()


def reference_of(report_of):
    return lambda w: report_of(w).reference


GHOST_REFERENCE = "SC-00-FANTOME"
GHOST_PK = 987654


def ghost_report(name, **kw):
    return to(name, GHOST_REFERENCE, **kw)


def answer_draft(w, who, client):
    session = client.session
    session[DRAFT_KEY.format(w.report.pk)] = {
        "kind": "accepted",
        "reason": "remboursement",
        "message": "Nous vous remboursons la différence.",
        "private_note": "",
        "files": [],
    }
    session.save()


def user_snapshot(*names):
    return lambda w, who, client: User.objects.filter(pk=getattr(w.user(who), "pk", None)).values_list(*names).first()


def signed_in(w, who, client):
    return client.session.get("_auth_user_id")


NEW_PASSWORD = "Un-tout-nouveau-mot-de-passe-2026"

R = lambda w: w.report.reference  # noqa: E731
TARGETS: dict[str, Target] = {
    "healthz": Target(to("healthz")),
    "metrics": Target(to("metrics")),
    "home": Target(to("home")),
    "accessibility": Target(to("accessibility")),
    "legal_notice": Target(to("legal_notice")),
    "terms": Target(to("terms")),
    "personal_data": Target(to("personal_data")),
    "security": Target(to("security")),
    "security_txt": Target(to("security_txt")),
    "csp_report": Target(to("csp_report"), data=lambda w, who: {"csp-report": "{}"}),
    "companies:search": Target(to("companies:search", query="?q=ETABLISSEMENT")),
    "statistics": Target(to("statistics")),
    "statistics_method": Target(to("statistics_method")),
    "statistics_json": Target(to("statistics_json")),
    "statistics_csv": Target(to("statistics_csv", "indicateurs")),
    # Accounts
    "accounts:account": Target(to("accounts:account")),
    "accounts:account_names": Target(
        to("accounts:account_names"),
        data=lambda w, who: {"first_name": "Camille", "last_name": "Nouveau-Nom"},
        effect=user_snapshot("first_name", "last_name"),
    ),
    "accounts:account_departments": Target(
        to("accounts:account_departments"),
        data=lambda w, who: {"departments": "13, 83"},
        effect=user_snapshot("departments"),
    ),
    "accounts:account_email": Target(
        to("accounts:account_email"),
        data=lambda w, who: {"email": "nouvelle-adresse@dgccrf.finances.gouv.fr"},
        effect=count(OutgoingEmail, kind="email_change"),
    ),
    "accounts:email_confirm": Target(
        lambda w, who: reverse("accounts:email_confirm", args=[w.email_change_token]),
        effect=lambda w, who, client: User.objects.get(pk=w.users["member"].pk).email,
    ),
    "accounts:invitation": Target(
        lambda w, who: reverse("accounts:invitation", args=[w.invitation_token]),
        data=lambda w, who: {
            "first_name": "Claude",
            "last_name": "Invité",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        effect=lambda w, who, client: Invitation.objects.get(pk=w.invitation.pk).accepted_at is not None,
    ),
    "accounts:login": Target(
        to("accounts:login"), data=lambda w, who: {"username": "personne@example.fr", "password": "faux"}
    ),
    "accounts:otp": Target(to("accounts:otp"), data=lambda w, who: {"code": "123456"}),
    "accounts:otp_setup": Target(to("accounts:otp_setup"), data=lambda w, who: {"code": "123456"}),
    "accounts:otp_setup_link": Target(to("accounts:otp_setup_link", "n-importe-quoi")),
    "accounts:logout": Target(to("accounts:logout"), effect=signed_in),
    "accounts:password_reset": Target(
        to("accounts:password_reset"),
        data=lambda w, who: {"email": w.users["member"].email},
        effect=count(OutgoingEmail, kind="password_reset"),
        after_commit=True,
    ),
    "accounts:password_reset_done": Target(to("accounts:password_reset_done")),
    "accounts:password_reset_confirm": Target(
        lambda w, who: reverse(
            "accounts:password_reset_confirm",
            args=[
                urlsafe_base64_encode(force_bytes(w.users["member"].pk)),
                default_token_generator.make_token(User.objects.get(pk=w.users["member"].pk)),
            ],
        )
    ),
    "accounts:password_reset_complete": Target(to("accounts:password_reset_complete")),
    "accounts:password_change": Target(
        to("accounts:password_change"),
        data=lambda w, who: {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        effect=user_snapshot("password"),
    ),
    "accounts:password_change_done": Target(to("accounts:password_change_done")),
    # The wizard
    "reports:problem": Target(to("reports:problem")),
    "reports:problem_node": Target(to("reports:problem_node", lambda w: w.category.slug)),
    "reports:company": Target(to("reports:company")),
    "reports:details": Target(to("reports:details")),
    "reports:consumer": Target(to("reports:consumer")),
    "reports:verification": Target(to("reports:verification")),
    "reports:confirmation": Target(to("reports:confirmation")),
    "reports:done": Target(to("reports:done")),
    # The consumer's links
    "reports:follow_up": Target(signed("reports:follow_up", lambda w: w.tokens["follow_up"])),
    "reports:receipt": Target(signed("reports:receipt", lambda w: w.tokens["follow_up"])),
    "reports:follow_up_renew": Target(
        signed("reports:follow_up_renew", lambda w: w.tokens["follow_up"]),
        effect=count(OutgoingEmail, kind="consumer_follow_up_link"),
    ),
    "reports:follow_up_erase": Target(
        signed("reports:follow_up_erase", lambda w: w.tokens["follow_up"]),
        effect=count(Report, status=ReportStatus.ANONYMISED),
    ),
    "reports:follow_up_attachment": Target(follow_up_file(lambda w: w.consumer_file)),
    "reports:follow_up_attachment#pro": Target(follow_up_file(lambda w: w.pro_file)),
    "reports:follow_up_attachment#agent": Target(follow_up_file(lambda w: w.agent_file)),
    "reports:follow_up_attachment#pending": Target(follow_up_file(lambda w: w.pending_file)),
    "reports:follow_up_attachment#infected": Target(follow_up_file(lambda w: w.infected_file)),
    "reports:review": Target(
        signed("reports:review", lambda w: w.tokens["review"]),
        data=lambda w, who: {"rating": "positive", "comment": "Merci."},
        effect=count(Review),
    ),
    "reports:reattribute": Target(
        signed("reports:reattribute", lambda w: w.tokens["reattribution"]),
        data=lambda w, who: {"siret-siret": w.other.siret},
        effect=lambda w, who, client: Report.objects.filter(reattributed_from=w.not_concerned).count(),
    ),
    # The companies' space
    "pro:reports": Target(to("pro:reports")),
    "pro:report": Target(to("pro:report", R), ghost=ghost_report("pro:report")),
    "pro:report#kept": Target(to("pro:report", reference_of(lambda w: w.kept))),
    "pro:answer": Target(
        to("pro:answer", R),
        data=lambda w, who: {"kind": "accepted", "reason": "accepted:remboursement", "message": "Nous remboursons."},
        effect=count(Response),
        ghost=ghost_report("pro:answer"),
        reader="pro:report",
    ),
    "pro:answer_preview": Target(
        to("pro:answer_preview", R),
        before=answer_draft,
        effect=lambda w, who, client: Response.objects.filter(report=w.report).count(),
        ghost=ghost_report("pro:answer_preview"),
        reader="pro:report",
    ),
    "pro:engagements": Target(to("pro:engagements")),
    "pro:engagement_honoured": Target(
        to("pro:engagement_honoured", reference_of(lambda w: w.promised)),
        effect=lambda w, who, client: Response.objects.get(report=w.promised).engagement_honoured_at is not None,
        ghost=ghost_report("pro:engagement_honoured"),
        reader="pro:report",
    ),
    "pro:figures": Target(to("pro:figures")),
    "pro:settings": Target(
        to("pro:settings"),
        data=lambda w, who: {"alerts": []},
        effect=lambda w, who, client: list(
            CompanyAccess.objects.filter(user=w.user(who)).values_list("new_report_emails", flat=True)
        ),
    ),
    "pro:accesses": Target(
        to("pro:accesses", lambda w: w.e1.siret),
        data=lambda w, who: {"email": "nouveau-collegue@example.fr", "level": "member"},
        effect=count(Invitation, email="nouveau-collegue@example.fr"),
        ghost=to("pro:accesses", "00000000000000"),
    ),
    "pro:access_change": Target(
        to("pro:access_change", lambda w: w.e1.siret, lambda w: w.member_access.pk),
        data=lambda w, who: {"level": "admin"},
        effect=field_of(CompanyAccess, lambda w: w.member_access.pk, "level"),
        ghost=to("pro:access_change", lambda w: w.e1.siret, GHOST_PK),
        reader="pro:accesses",
    ),
    "pro:activate": Target(
        to("pro:activate"),
        data=lambda w, who: {
            "siret": w.without_users.siret,
            "code": w.activation_code,
            "email": "gerant@sans-compte.example.fr",
        },
        effect=count(OutgoingEmail, kind="pro_activation_link"),
    ),
    "pro:activate_sent": Target(to("pro:activate_sent")),
    "pro:activate_finish": Target(
        lambda w, who: reverse("pro:activate_finish", args=[w.activation_token]),
        data=lambda w, who: {
            "first_name": "Gérante",
            "last_name": "Sans-Compte",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        effect=lambda w, who, client: CompanyAccess.objects.filter(company=w.without_users).count(),
    ),
    # The agents' space
    "agents:home": Target(to("agents:home")),
    "agents:invite": Target(
        to("agents:invite"),
        data=lambda w, who: {"email": "nouvel-agent@dgccrf.finances.gouv.fr", "role": "agent"},
        effect=count(Invitation, email="nouvel-agent@dgccrf.finances.gouv.fr"),
    ),
    "agents:search": Target(to("agents:search")),
    "agents:search_save": Target(
        to("agents:search_save"),
        data=lambda w, who: {"name": "Bouches-du-Rhône", "query": "departements=13"},
        effect=count(SavedSearch, name="Bouches-du-Rhône"),
    ),
    "agents:search_forget": Target(
        to("agents:search_forget", lambda w: w.saved_search.pk),
        effect=lambda w, who, client: SavedSearch.objects.filter(pk=w.saved_search.pk).exists(),
        ghost=to("agents:search_forget", GHOST_PK),
    ),
    "agents:report": Target(to("agents:report", R), ghost=ghost_report("agents:report")),
    "agents:report#food": Target(to("agents:report", reference_of(lambda w: w.food_report))),
    "agents:report#kept": Target(to("agents:report", reference_of(lambda w: w.kept))),
    "agents:comment": Target(
        to("agents:comment", R),
        data=lambda w, who: {"text": "Appelé l’entreprise."},
        effect=lambda w, who, client: Comment.objects.filter(report=w.report).count(),
        ghost=ghost_report("agents:comment"),
        reader="agents:report",
    ),
    "agents:comment#food": Target(
        to("agents:comment", reference_of(lambda w: w.food_report)),
        data=lambda w, who: {"text": "Transmis à la DDPP."},
        effect=lambda w, who, client: Comment.objects.filter(report=w.food_report).count(),
    ),
    "inspections:list": Target(to("inspections:list")),
    "inspections:export": Target(to("inspections:export")),
    "inspections:candidates": Target(to("inspections:candidates")),
    "inspections:figures": Target(to("inspections:figures")),
    "inspections:new": Target(
        lambda w, who: reverse("inspections:new") + f"?signalement={w.report.reference}",
        data=lambda w, who: {
            "entreprise": w.e1.siret,
            "reports": [w.report.reference],
            "planned_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
        effect=count(Inspection),
    ),
    "inspections:new#food": Target(
        lambda w, who: reverse("inspections:new") + f"?signalement={w.food_report.reference}",
        data=lambda w, who: {
            "entreprise": w.e1.siret,
            "reports": [w.food_report.reference],
            "planned_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
        effect=count(Inspection),
    ),
    "inspections:new#ticked": Target(
        to("inspections:new"),
        data=lambda w, who: {"preparer": "1", "reference": [w.report.reference]},
        effect=count(Inspection),
    ),
    "inspections:detail": Target(
        to("inspections:detail", lambda w: w.inspection.pk), ghost=to("inspections:detail", GHOST_PK)
    ),
    "inspections:detail#food": Target(to("inspections:detail", lambda w: w.food_inspection.pk)),
    "inspections:start": Target(
        to("inspections:start", lambda w: w.inspection.pk),
        effect=field_of(Inspection, lambda w: w.inspection.pk, "status"),
        ghost=to("inspections:start", GHOST_PK),
        reader="inspections:detail",
    ),
    "inspections:start#food": Target(
        to("inspections:start", lambda w: w.food_inspection.pk),
        effect=field_of(Inspection, lambda w: w.food_inspection.pk, "status"),
    ),
    "inspections:conclude": Target(
        to("inspections:conclude", lambda w: w.inspection.pk),
        data=lambda w, who: {"outcome": "no_breach", "concluded_on": timezone.localdate().isoformat()},
        effect=field_of(Inspection, lambda w: w.inspection.pk, "status", "outcome"),
        ghost=to("inspections:conclude", GHOST_PK),
        reader="inspections:detail",
    ),
    "inspections:cancel": Target(
        to("inspections:cancel", lambda w: w.inspection.pk),
        data=lambda w, who: {"reason": "Fermé définitivement."},
        effect=field_of(Inspection, lambda w: w.inspection.pk, "status"),
        ghost=to("inspections:cancel", GHOST_PK),
        reader="inspections:detail",
    ),
    "agents:bookmark": Target(
        to("agents:bookmark", R),
        effect=count(Bookmark),
        ghost=ghost_report("agents:bookmark"),
        reader="agents:report",
    ),
    "agents:tags": Target(
        to("agents:tags", R),
        data=lambda w, who: {"tags": ["hygiene"]},
        effect=lambda w, who, client: sorted(Report.objects.get(pk=w.report.pk).tags.values_list("slug", flat=True)),
        ghost=ghost_report("agents:tags"),
        reader="agents:report",
    ),
    "agents:forward": Target(
        to("agents:forward", R),
        data=lambda w, who: {"authority": w.authority.pk, "note": "Par leur formulaire."},
        effect=count(Event, action="report_forwarded"),
        ghost=ghost_report("agents:forward"),
        reader="agents:report",
    ),
    "agents:report_reopen": Target(
        to("agents:report_reopen", reference_of(lambda w: w.closed)),
        effect=field_of(Report, lambda w: w.closed.pk, "status"),
        ghost=ghost_report("agents:report_reopen"),
        reader="agents:report",
    ),
    "agents:report_anonymise": Target(
        to("agents:report_anonymise", R),
        effect=field_of(Report, lambda w: w.report.pk, "status"),
        ghost=ghost_report("agents:report_anonymise"),
        reader="agents:report",
    ),
    "agents:report_change_company": Target(
        to("agents:report_change_company", R),
        data=lambda w, who: {"entreprise-siret": w.other.siret},
        effect=field_of(Report, lambda w: w.report.pk, "company_id"),
        ghost=ghost_report("agents:report_change_company"),
        reader="agents:report",
    ),
    "agents:report_delete": Target(
        to("agents:report_delete", R),
        data=lambda w, who: {"confirm": w.report.reference},
        effect=lambda w, who, client: Report.objects.filter(pk=w.report.pk).exists(),
        ghost=ghost_report("agents:report_delete"),
        reader="agents:report",
    ),
    "agents:export_create": Target(
        to("agents:export_create"), data=lambda w, who: {"kind": "xlsx", "query": ""}, effect=count(Export)
    ),
    "agents:export_create#pdf": Target(
        to("agents:export_create"),
        data=lambda w, who: {"kind": "pdf", "reference": w.report.reference},
        effect=count(Export),
    ),
    "agents:export": Target(to("agents:export", lambda w: w.export.pk), ghost=to("agents:export", GHOST_PK)),
    "agents:export_status": Target(
        to("agents:export_status", lambda w: w.export.pk), ghost=to("agents:export_status", GHOST_PK)
    ),
    "agents:export#admins": Target(to("agents:export", lambda w: w.admin_export.pk)),
    "agents:export_file": Target(
        to("agents:export_file", lambda w: w.export.pk), ghost=to("agents:export_file", GHOST_PK)
    ),
    "agents:export_file#admins": Target(to("agents:export_file", lambda w: w.admin_export.pk)),
    "agents:companies": Target(to("agents:companies", query="?q=ETABLISSEMENT")),
    "agents:most_reported": Target(to("agents:most_reported")),
    "agents:company": Target(to("agents:company", lambda w: w.e1.siret)),
    "agents:companies_to_activate": Target(
        to("agents:companies_to_activate"),
        data=lambda w, who: {"company": [w.without_users.pk]},
        effect=count(LetterBatch),
    ),
    "agents:letter_batch": Target(
        to("agents:letter_batch", lambda w: w.batch.pk),
        effect=field_of(LetterBatch, lambda w: w.batch.pk, "posted_at"),
        ghost=to("agents:letter_batch", GHOST_PK),
    ),
    "agents:letter_batch_pdf": Target(
        to("agents:letter_batch_pdf", lambda w: w.batch.pk), ghost=to("agents:letter_batch_pdf", GHOST_PK)
    ),
    "agents:websites": Target(to("agents:websites")),
    "agents:website_identify": Target(
        to("agents:website_identify", lambda w: w.website.pk),
        data=lambda w, who: {f"site{w.website.pk}-siret": w.other.siret},
        effect=field_of(Website, lambda w: w.website.pk, "state", "company_id"),
        ghost=to("agents:website_identify", GHOST_PK),
        reader="agents:websites",
    ),
    "agents:website_foreign": Target(
        to("agents:website_foreign", lambda w: w.website.pk),
        data=lambda w, who: {"country": "Espagne"},
        effect=field_of(Website, lambda w: w.website.pk, "state"),
        ghost=to("agents:website_foreign", GHOST_PK),
        reader="agents:websites",
    ),
    "agents:website_marketplace": Target(
        to("agents:website_marketplace", lambda w: w.website.pk),
        effect=field_of(Website, lambda w: w.website.pk, "state"),
        ghost=to("agents:website_marketplace", GHOST_PK),
        reader="agents:websites",
    ),
    "agents:subscriptions": Target(
        to("agents:subscriptions"),
        data=lambda w, who: {"name": "Hérault", "frequency": "daily", "email": "", "query": "departements=34"},
        effect=count(Subscription, name="Hérault"),
    ),
    "agents:subscription_delete": Target(
        to("agents:subscription_delete", lambda w: w.subscription.pk),
        effect=lambda w, who, client: Subscription.objects.filter(pk=w.subscription.pk).exists(),
        ghost=to("agents:subscription_delete", GHOST_PK),
    ),
    # Files
    "attachment_download": Target(
        to("attachment_download", lambda w: w.consumer_file.uid),
        ghost=lambda w, who: reverse("attachment_download", args=[uuid.uuid4()]),
    ),
    "attachment_download#pro": Target(to("attachment_download", lambda w: w.pro_file.uid)),
    "attachment_download#agent": Target(to("attachment_download", lambda w: w.agent_file.uid)),
    "attachment_download#pending": Target(to("attachment_download", lambda w: w.pending_file.uid)),
    "attachment_download#infected": Target(to("attachment_download", lambda w: w.infected_file.uid)),
    "attachment_download#food": Target(to("attachment_download", lambda w: w.food_file.uid)),
    "attachment_download#kept": Target(to("attachment_download", lambda w: w.kept_file.uid)),
    # The admin site
    "admin:index": Target(to("admin:index")),
    "admin:notifications_previews": Target(to("admin:notifications_previews")),
    "admin:notifications_preview": Target(to("admin:notifications_preview", "pro_invitation", "fr", "html")),
    "admin:auth_user_password_change": Target(
        to("admin:auth_user_password_change", lambda w: w.users["member"].pk),
        data=lambda w, who: {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        effect=lambda w, who, client: User.objects.get(pk=w.users["member"].pk).password,
    ),
}


# --- The world, shared by the module -----------------------------------------------------------------

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world is built once for the module, in a transaction of its own that
    is rolled back at the end; each test runs in a savepoint inside it (as
    pytest-django does for every test), so what a test changes is undone."""
    storages = {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("permissions-media"))},
        },
    }
    with override_settings(STORAGES=storages, PASSWORD_HASHERS=FAST_HASHERS, ANTIVIRUS_URL=""):
        with django_db_blocker.unblock():
            block = transaction.atomic()
            block.__enter__()
            world = build_world()
        try:
            yield world, storages
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                block.__exit__(None, None, None)


@pytest.fixture
def world(shared_world, _media_in_a_temporary_folder, db, settings):
    world, storages = shared_world
    # After conftest's temporary media folder: the world's files are in its own.
    settings.STORAGES = storages
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return world


@pytest.fixture(scope="module")
def handler():
    """One request handler for the module: a new one loads the middleware, and
    WhiteNoise then lists every static file again (half a second each time)."""
    return ClientHandler(enforce_csrf_checks=False)


@pytest.fixture
def client(handler):
    client = Client()
    client.handler = handler
    return client


# --- Trying a cell ------------------------------------------------------------------------------------


def login_paths() -> set[str]:
    paths = set()
    for language in ("fr", "en"):
        with translation.override(language):
            paths |= {reverse("accounts:login"), reverse("admin:login")}
    return paths


def describe(response) -> str:
    if response.status_code in (301, 302):
        return f"{response.status_code} → {response['Location']}"
    return str(response.status_code)


def assert_answer(response, expected, *, where: str) -> None:
    status, path = response.status_code, response.get("Location", "").split("?")[0]
    if expected == LOGIN:
        ok = status == 302 and path in login_paths()
    elif expected in (GO, DONE, NOOP):
        ok = status == 302 and path not in login_paths()
    elif expected == SHOWN:
        ok = status == 200
    else:
        ok = status == expected
    assert ok, f"{where}: expected {expected}, got {describe(response)}"


def try_cell(world, client, key, method, who, expected, *, language="fr", ghost=False):
    target = TARGETS[key]
    user = world.user(who)
    if user is not None:
        # A fresh copy: logging in writes last_login on the instance, and the world outlives the test.
        client.force_login(User.objects.get(pk=user.pk))
    if target.before:
        target.before(world, who, client)
    with translation.override(language):
        url = (target.ghost if ghost else target.url)(world, who)
    data = (target.data(world, who) if target.data else {}) if method == POST else None
    watch = target.effect is not None and method == POST
    before = target.effect(world, who, client) if watch else None
    # What the view leaves for after its commit runs, as it would, where the row's effect comes from it.
    with TestCase.captureOnCommitCallbacks(execute=target.after_commit):
        response = client.get(url) if method == GET else client.post(url, data)
    assert_answer(response, expected, where=f"{method} {url} as {who}")
    if watch:
        after = target.effect(world, who, client)
        if expected in (DONE, SHOWN):
            assert after != before, f"{method} {url} as {who}: answered {describe(response)} but changed nothing"
        else:
            assert after == before, (
                f"{method} {url} as {who}: refused ({describe(response)}) yet changed {before!r} → {after!r}"
            )
    return response


# Cells that fail because of a real bug: (key, method, who) → the bug. None today.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


def cells(rows, *, only=lambda key, method, who, expected: True):
    return [
        pytest.param(
            key,
            method,
            who,
            expected,
            id=f"{key}-{method}-{who}",
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[key, method, who])]
            if (key, method, who) in KNOWN_BUGS
            else [],
        )
        for key, method, *answers in rows
        for who, expected in zip(CAST, answers, strict=True)
        if only(key, method, who, expected)
    ]


@pytest.mark.parametrize(("key", "method", "who", "expected"), cells(MATRIX))
def test_matrix(world, client, key, method, who, expected):
    try_cell(world, client, key, method, who, expected)


# --- Every URL pattern has its rows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str | None
    admin: bool
    i18n: bool


def url_patterns(resolver=None, prefix="", namespace=None, admin_site=False, i18n=False):
    """Every pattern of the site, through includes, namespaces and i18n_patterns."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from url_patterns(
                entry,
                prefix + str(entry.pattern),
                inner,
                admin_site or entry.app_name == "admin",
                i18n or isinstance(entry.pattern, LocalePrefixPattern),
            )
        else:
            assert isinstance(entry, URLPattern)
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield Pattern(prefix + str(entry.pattern), name, admin_site, i18n)


ADMIN_SITE_NAMES = {
    "admin:" + name
    for name in (
        "index",
        "login",
        "logout",
        "password_change",
        "password_change_done",
        "autocomplete",
        "jsi18n",
        "view_on_site",
        "app_list",
    )
}
MODEL_ADMIN_VIEWS = ("changelist", "add", "history", "delete", "change")


def admin_group(pattern: Pattern) -> bool:
    """Generated by the admin site for itself or for a registered ModelAdmin."""
    if pattern.name in ADMIN_SITE_NAMES or pattern.route == "admin/(?P<url>.*)$":
        return True
    for model in admin.site._registry:
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        if pattern.name in {f"admin:{info}_{view}" for view in MODEL_ADMIN_VIEWS}:
            return True
        if (
            pattern.name is None
            and pattern.route == f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"
        ):
            return True
    return False


def row_names() -> set[tuple[str, str]]:
    return {(key.partition("#")[0], method) for key, method, *_ in MATRIX}


def test_every_url_pattern_has_its_rows():
    """A new URL fails here until its GET and POST rows are in MATRIX (and its
    Target in TARGETS); a generated admin page is covered by ADMIN_MODELS."""
    patterns = list(url_patterns())
    rows = row_names()
    missing = []
    for pattern in patterns:
        if pattern.admin and admin_group(pattern) and pattern.name not in {name for name, _ in rows}:
            continue
        if pattern.name is None:
            missing.append(f"{pattern.route} (unnamed: name it, then add its rows)")
            continue
        missing += [
            f"{pattern.route} {pattern.name} {method}" for method in (GET, POST) if (pattern.name, method) not in rows
        ]
    assert not missing, "URL patterns without rows in the matrix:\n" + "\n".join(missing)
    names = {pattern.name for pattern in patterns}
    stale = sorted({name for name, _ in rows} - names)
    assert not stale, f"rows for URLs that no longer exist: {stale}"
    keys = [key for key, *_ in MATRIX]
    assert set(keys) == set(TARGETS), (
        f"rows without a target: {sorted(set(keys) - set(TARGETS))}; "
        f"targets without a row: {sorted(set(TARGETS) - set(keys))}"
    )
    assert len(MATRIX) == len({(key, method) for key, method, *_ in MATRIX}), "a row is listed twice"
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert registered == {model for model, *_ in ADMIN_MODELS}, "ADMIN_MODELS must list every registered ModelAdmin"


def test_the_matrix_covers_the_whole_site():
    """The figures of the report: patterns walked, and how they are covered."""
    patterns = list(url_patterns())
    site = [p for p in patterns if not (p.admin and admin_group(p))]
    assert len(patterns) > 150 and len(site) > 80
    assert any(p.i18n for p in patterns) and any(p.admin for p in patterns)
    assert len(cells(MATRIX)) == len(MATRIX) * len(CAST)


# --- The English site answers as the French one ------------------------------------------------------

I18N_NAMES = {p.name for p in url_patterns() if p.i18n}


def english_url(world, key):
    with translation.override("en"):
        return TARGETS[key].url(world, "link")


def test_every_page_in_english_is_the_same_view(world):
    for key in TARGETS:
        if key.partition("#")[0] not in I18N_NAMES:
            continue
        french, english = TARGETS[key].url(world, "link"), english_url(world, key)
        assert english == "/en" + french, key
        with translation.override("en"):
            english_view = resolve(english.split("?")[0]).func
        assert english_view == resolve(french.split("?")[0]).func, key


def first_of_each_answer(key, method, who, expected) -> bool:
    """A GET of the French site, by the first column of each distinct answer of its row."""
    if method != GET or key.partition("#")[0] not in I18N_NAMES:
        return False
    answers = next(answers for k, m, *answers in MATRIX if (k, m) == (key, method))
    return CAST[answers.index(expected)] == who


@pytest.mark.parametrize(("key", "method", "who", "expected"), cells(MATRIX, only=first_of_each_answer))
def test_matrix_in_english(world, client, key, method, who, expected):
    """Each answer of each GET row holds under /en/ too (the views are the same:
    test_every_page_in_english_is_the_same_view)."""
    try_cell(world, client, key, method, who, expected, language="en")


# --- Outsiders learn nothing: a refused object answers as one that does not exist ---------------------

REFUSALS = (LOGIN, 403, 404, 405)
READS = {
    (key, who): expected
    for key, method, *answers in MATRIX
    if method == GET
    for who, expected in zip(CAST, answers, strict=True)
}


def outsider(key, method, who, expected) -> bool:
    """A refused cell of a row with a ghost, for somebody who may not read its object."""
    target = TARGETS[key]
    return target.ghost is not None and expected in REFUSALS and READS.get((target.reader or key, who)) != 200


@pytest.mark.parametrize(("key", "method", "who", "expected"), cells(MATRIX, only=outsider))
def test_a_refusal_says_nothing_of_the_object(world, client, key, method, who, expected):
    """Where the matrix refuses an object to somebody who may not read it, the
    same URL about an object that does not exist gets the very same answer:
    out of reach is a 404 like missing, and the only 403s an outsider gets
    (the staff's on an administrator's actions) come before any lookup."""
    try_cell(world, client, key, method, who, expected, ghost=True)


# --- The admin site: each ModelAdmin's pages -----------------------------------------------------------


def an_object(model, *, deletable=False):
    if deletable and model is Category:
        return Category.objects.create(slug="a-supprimer", title_fr="À supprimer")  # the world's is in use
    found = model.objects.order_by("pk").first()
    if found is not None:
        return found
    if model is Group:
        return Group.objects.create(name="Lecteurs")
    if model._meta.label_lower == "notifications.departmentoffice":
        return model.objects.create(department="83", name="DDPP du Var", email="ddpp83@example.fr")
    return model.objects.create()


def admin_cells():
    for model, *answers in ADMIN_MODELS:
        changelist_ro, changelist_admin, add_ro, add_admin = answers
        for who in CAST:
            if who in ("ro_admin", "admin"):
                continue
            yield pytest.param(model, "changelist", GET, who, LOGIN, id=f"{model}-changelist-GET-{who}")
        pages = {
            ("changelist", GET): (changelist_ro, changelist_admin),
            ("add", GET): (add_ro, add_admin),
            ("add", POST): (add_ro, add_admin),
            # Looking is everybody's here; deleting is the administrators'.
            ("change", GET): (200, 200),
            ("delete", GET): (403, 403 if model in UNDELETABLE else 200),
            ("delete", POST): (403, 403 if model in UNDELETABLE else DONE),
        }
        for (page, method), (ro, adm) in pages.items():
            for who, expected in (("ro_admin", ro), ("admin", adm)):
                yield pytest.param(model, page, method, who, expected, id=f"{model}-{page}-{method}-{who}")


@pytest.mark.parametrize(("model_label", "page", "method", "who", "expected"), list(admin_cells()))
# Django's own: URLField's scheme warning of Django 6 on the pages of a model with a URL.
@pytest.mark.filterwarnings("ignore::django.utils.deprecation.RemovedInDjango60Warning")
def test_admin_site(world, client, settings, model_label, page, method, who, expected):
    from django.apps import apps

    # Django's admin templates read variables they may not be given: not ours to make strict.
    settings.TEMPLATES = [
        {**engine, "OPTIONS": {**engine["OPTIONS"], "string_if_invalid": ""}} for engine in settings.TEMPLATES
    ]
    model = apps.get_model(model_label)
    info = f"{model._meta.app_label}_{model._meta.model_name}"
    args = [an_object(model, deletable=page == "delete").pk] if page in ("change", "delete") else []
    url = reverse(f"admin:{info}_{page}", args=args)
    user = world.user(who)
    if user is not None:
        client.force_login(User.objects.get(pk=user.pk))
    before = model.objects.count()
    response = client.get(url) if method == GET else client.post(url, {"post": "yes"} if page == "delete" else {})
    assert_answer(response, expected, where=f"{method} {url} as {who}")
    if method == POST:
        after = model.objects.count()
        assert (after < before) if expected == DONE else (after == before), (
            f"{method} {url} as {who}: {before} → {after}"
        )


# --- Three holes the matrix must never let through (each kills a hand-made mutant) --------------------


def fresh(world, who) -> User:
    return User.objects.get(pk=world.user(who).pk)


def test_an_establishments_user_does_not_see_a_sibling_establishments_report(world, client):
    """Only a head office's access covers the SIREN: the user of e2 sees nothing
    of e1, its sibling, while the head office's user sees e1's report."""
    sibling, head = fresh(world, "sibling"), fresh(world, "head")
    assert not Report.objects.visible_to(sibling).filter(company__siren=world.e1.siren).exists()
    assert Report.objects.visible_to(head).filter(pk=world.report.pk).exists()
    client.force_login(sibling)
    assert client.get(reverse("pro:report", args=[world.report.reference])).status_code == 404
    listed = client.get(reverse("pro:reports"))
    assert world.report.reference not in listed.content.decode()


def test_a_company_never_gets_the_agents_files(world, client):
    """Of a report's clean files, its company gets the consumer's and its own,
    never those the agents attached to their comments."""
    for who in ("member", "pro_admin", "head"):
        visible = set(Attachment.objects.visible_to(fresh(world, who)).filter(report=world.report))
        assert visible == {world.consumer_file, world.pro_file}, who
    client.force_login(fresh(world, "member"))
    assert client.get(reverse("attachment_download", args=[world.agent_file.uid])).status_code == 404
    assert world.agent_file in Attachment.objects.visible_to(fresh(world, "agent"))


def test_a_professional_opening_a_report_closed_unread_leaves_it_closed(
    world, client, django_capture_on_commit_callbacks
):
    """NonConsulte is closed: a professional who opens it at last does not turn
    it into "read", and the consumer is sent nothing."""
    closed = ReportFactory(
        company=world.e1,
        status=ReportStatus.CLOSED_UNREAD,
        expires_at=timezone.now() - timedelta(days=1),
        closed_at=timezone.now() - timedelta(days=1),
    )
    member = fresh(world, "member")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("pro:report", args=[closed.reference]))
        opened_again = lifecycle.report_mark_read(report=Report.objects.get(pk=closed.pk), user=member)
    assert page.status_code == 200 and opened_again is False
    closed.refresh_from_db()
    assert closed.status == ReportStatus.CLOSED_UNREAD and closed.read_at is None
    assert not closed.events.filter(action="report_read").exists()
    assert not OutgoingEmail.objects.filter(report=closed).exists() and not mail.outbox


# --- Bugs found on the way, fixed: they stay as tests ---------------------------------------------


def test_a_read_only_administrator_reads_no_live_secret_in_the_outbox(world, client):
    member = fresh(world, "member")
    token = default_token_generator.make_token(member)
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    email_queue("password_reset", to=member.email, data={"uid": uid, "token": token}, user=member)
    row = OutgoingEmail.objects.get(kind="password_reset")
    assert row.status == EmailStatus.PENDING  # sent after commit, which never comes in a test
    client.force_login(fresh(world, "ro_admin"))
    for url in (
        reverse("admin:notifications_outgoingemail_changelist"),
        reverse("admin:notifications_outgoingemail_change", args=[row.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert token not in page.content.decode(), f"{url} shows the reset token of {member.email}"


@pytest.mark.parametrize("who", ["member", "agent"])
def test_the_admin_site_refuses_a_signed_in_outsider_without_a_redirect_loop(world, client, who):
    client.force_login(fresh(world, who))
    url, seen = reverse("admin:index"), []
    for _ in range(6):
        response = client.get(url)
        if response.status_code != 302:
            break
        seen.append(url)
        url = response["Location"]
        assert url not in seen, f"redirect loop: {' → '.join([*seen, url])}"
    assert response.status_code in (403, 404)
