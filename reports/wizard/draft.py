"""The consumer's draft report, kept in the session across the wizard's steps.

Every step stores what it validated here; going back to a step shows what was
entered, and changing the problem drops only the answers that no longer apply.
Nothing in the draft is trusted at submission: the service checks it all again.
"""

from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext_lazy as _

from reports.models import Attachment, Category, CompanyKind, ScanState

SESSION_KEY = "report_draft"


@dataclass(frozen=True)
class Step:
    slug: str
    url_name: str
    title: str


STEPS = [
    Step("probleme", "reports:problem", _("Votre problème")),
    Step("entreprise", "reports:company", _("L’entreprise")),
    Step("details", "reports:details", _("Les détails")),
    Step("coordonnees", "reports:consumer", _("Vos coordonnées")),
    Step("confirmation", "reports:confirmation", _("Confirmation")),
]


class Draft:
    def __init__(self, session):
        self.session = session
        self.data = session.get(SESSION_KEY) or {}

    def save(self) -> None:
        self.session[SESSION_KEY] = self.data
        self.session.modified = True

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)

    # --- The problem -------------------------------------------------------

    @cached_property
    def category(self) -> Category | None:
        slug = self.data.get("category")
        if not slug:
            return None
        return Category.objects.active().filter(slug=slug).first()

    def set_category(self, category: Category, *, question_only: bool) -> None:
        previous = self.category
        if previous is None or previous.company_kind != category.company_kind:
            self.data.pop("company", None)
        details = self.data.get("details")
        if details and previous != category:
            # Keep the date and the description; drop answers to other questions.
            kept = {q.slug for q in category.questions_on_path()}
            details["answers"] = {k: v for k, v in details.get("answers", {}).items() if k in kept}
        self.data["category"] = category.slug
        self.data["question_only"] = question_only
        self.__dict__["category"] = category
        self.__dict__.pop("tags", None)
        self.save()

    @property
    def question_only(self) -> bool:
        return bool(self.data.get("question_only"))

    @property
    def company_kind(self) -> str:
        category = self.category
        return category.company_kind if category else CompanyKind.NONE

    # --- The other steps ---------------------------------------------------

    def get(self, step: str) -> dict:
        return dict(self.data.get(step) or {})

    def put(self, step: str, values: dict) -> None:
        self.data[step] = values
        self.save()

    # --- Attached files: stored at upload, listed here by their uid -------------

    @property
    def file_uids(self) -> list[str]:
        return list(self.data.get("files") or [])

    def attachments(self) -> list[Attachment]:
        uids = self.file_uids
        if not uids:
            return []
        found = {str(a.uid): a for a in Attachment.objects.filter(uid__in=uids, report__isnull=True)}
        return [found[uid] for uid in uids if uid in found]

    def attachment_count(self, attachments: list[Attachment]) -> int:
        """The files that count against the limit: an infected one is gone."""
        return sum(1 for a in attachments if a.scan_state != ScanState.INFECTED)

    def add_files(self, attachments: list[Attachment]) -> None:
        self.data["files"] = self.file_uids + [str(a.uid) for a in attachments]
        self.save()

    def take_back_file(self, uid: str) -> str | None:
        """Forgets a file of this draft; returns its uid if it was one."""
        uids = self.file_uids
        if uid not in uids:
            return None
        uids.remove(uid)
        self.data["files"] = uids
        self.save()
        return uid

    @cached_property
    def tags(self) -> list:
        category = self.category
        return category.tags_on_path() if category else []

    @property
    def goes_to_company(self) -> bool:
        """Whether the report will be sent to a French company: the consumer
        is then asked whether to share their identity with it."""
        company = self.get("company")
        return (
            not self.question_only
            and bool(company.get("siret"))
            and not any(tag.hidden_from_company for tag in self.tags)
        )

    def steps(self) -> list[Step]:
        # Until the problem is known, count the company step in.
        if self.category is not None and self.company_kind == CompanyKind.NONE:
            return [step for step in STEPS if step.slug != "entreprise"]
        return STEPS

    def is_done(self, step: str) -> bool:
        if step == "probleme":
            category = self.category
            return category is not None and not category.children.active().exists() and not (category.stops_the_report)
        if step == "entreprise":
            return self.company_kind == CompanyKind.NONE or bool(self.get("company"))
        if step == "details":
            return bool(self.get("details"))
        if step == "coordonnees":
            # Filled in, and the address proved by its code.
            return bool(self.get("consumer").get("verified"))
        return False

    def first_missing_step(self, before: str) -> Step | None:
        """The first step not done among those before `before`."""
        for step in self.steps():
            if step.slug == before:
                return None
            if not self.is_done(step.slug):
                return step
        return None
