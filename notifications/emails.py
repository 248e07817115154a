"""Every email the service sends, as a registry of small classes.

An email is queued as a row (models.OutgoingEmail) holding its kind, its
recipients, its language and a little data (ids, never whole objects); the
class turns that data into the context of its two templates,
templates/emails/<template>.html and .txt, when the row is sent. `sample()`
gives the same context from made-up objects, for the previews.
"""

from abc import ABC, abstractmethod

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

REGISTRY: dict[str, "Email"] = {}


class EmailGone(Exception):
    """What the email is about no longer exists: it is cancelled."""


def register(cls):
    REGISTRY[cls.kind] = cls()
    return cls


def site_link(url_name: str, *args, language: str = "fr") -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(url_name, args=args)


class Email(ABC):
    kind = ""
    template = ""
    subject = ""  # formatted with subject_values()
    audience = ""  # for the previews: consumer, pro, agent or all
    description = ""
    # Keys of the data wiped once the email is sent (codes, personal links).
    secrets: tuple[str, ...] = ()
    # The recipients too are forgotten once it is sent (anonymisation).
    forget_recipients = False

    @abstractmethod
    def context(self, data: dict) -> dict:
        """The templates' context, loaded from the row's data (ids)."""

    @abstractmethod
    def sample(self) -> dict:
        """The same context from made-up objects, for the previews."""

    def subject_values(self, context: dict) -> dict:
        """The context's plain values, and the report's reference and company."""
        report = context.get("report")
        company = context.get("company")
        values = {key: value for key, value in context.items() if isinstance(value, str | int)}
        values.setdefault("reference", report.reference if report else "")
        values["company"] = (company.name if company else "") or (report.company_name if report else "")
        return values

    def attachments(self, context: dict) -> list[tuple[str, bytes, str]]:
        return []

    def render(self, context: dict, *, to: list[str], language: str) -> EmailMultiAlternatives:
        with translation.override(language):
            context = {"site_url": settings.SITE_URL, "audience": self.audience, **context}
            subject = str(self.subject) % self.subject_values(context)
            context["subject"] = subject
            text = render_to_string(f"emails/{self.template}.txt", context)
            html = render_to_string(f"emails/{self.template}.html", context)
            attachments = self.attachments(context)
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
        message.attach_alternative(html, "text/html")
        for name, content, mimetype in attachments:
            message.attach(name, content, mimetype)
        return message


class DataEmail(Email):
    """An email drawn from its row's data alone (no object to load)."""

    fields: tuple[str, ...] = ()
    sample_data: dict = {}

    def context(self, data):
        return {field: data.get(field, "") for field in self.fields}

    def sample(self):
        return dict(self.sample_data)
