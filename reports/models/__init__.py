"""The reports app's models, one module per subject; every name is importable
from here (the migrations use reports.models.attachment_path and export_path)."""

from reports.models.categories import (
    Category,
    CategoryQuerySet,
    CompanyKind,
    DetailQuestion,
    QuestionKind,
    Tag,
    localized,
)
from reports.models.consumers import BlockedEmail, EmailVerification
from reports.models.files import Attachment, AttachmentQuerySet, ScanState, attachment_path
from reports.models.reports import (
    ENGAGEMENT_DELAY_DAYS,
    FOOD_SAFETY_TAGS,
    RESPONSE_REASONS,
    Rating,
    Report,
    ReportQuerySet,
    ReportStatus,
    Response,
    ResponseKind,
    Review,
    ReviewAbout,
)
from reports.models.statistics import StatisticsSnapshot
from reports.models.work import (
    Authority,
    Bookmark,
    Comment,
    Export,
    ExportKind,
    ExportStatus,
    Inspection,
    InspectionOutcome,
    SavedSearch,
    export_path,
)

__all__ = [
    "localized",
    "CompanyKind",
    "Tag",
    "CategoryQuerySet",
    "Category",
    "QuestionKind",
    "DetailQuestion",
    "ReportStatus",
    "FOOD_SAFETY_TAGS",
    "ReportQuerySet",
    "Report",
    "ResponseKind",
    "RESPONSE_REASONS",
    "ENGAGEMENT_DELAY_DAYS",
    "Response",
    "ReviewAbout",
    "Rating",
    "Review",
    "ScanState",
    "attachment_path",
    "AttachmentQuerySet",
    "Attachment",
    "BlockedEmail",
    "EmailVerification",
    "Comment",
    "InspectionOutcome",
    "Inspection",
    "Bookmark",
    "Authority",
    "SavedSearch",
    "ExportKind",
    "ExportStatus",
    "export_path",
    "Export",
    "StatisticsSnapshot",
]
