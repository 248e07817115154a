from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from reports.models import (
    Attachment,
    Authority,
    BlockedEmail,
    Category,
    DetailQuestion,
    Export,
    Report,
    Response,
    Review,
    Tag,
)
from signalconso.audit import Event


class DetailQuestionInline(admin.StackedInline):
    model = DetailQuestion
    extra = 0
    fields = [("slug", "position", "kind", "required"), ("label_fr", "label_en"), ("help_fr", "help_en"), "choices"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["title_fr", "slug", "parent", "company_kind", "stops", "is_active", "managed_by_file"]
    list_filter = ["is_active", "managed_by_file", "company_kind", "parent"]
    search_fields = ["slug", "title_fr", "title_en"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["tags"]
    inlines = [DetailQuestionInline]
    readonly_fields = ["managed_by_file"]
    fieldsets = [
        (None, {"fields": ["slug", "parent", "position", "is_active", "managed_by_file"]}),
        (_("Textes"), {"fields": ["title_fr", "title_en", "description_fr", "description_en"]}),
        (_("Signalement"), {"fields": ["company_kind", "allow_question_only", "tags"]}),
        (
            _("Page d’information (arrête le signalement)"),
            {
                "fields": [
                    "info_title_fr",
                    "info_title_en",
                    "info_text_fr",
                    "info_text_en",
                    "info_links",
                ]
            },
        ),
    ]

    @admin.display(boolean=True, description=_("page d’information"))
    def stops(self, category: Category) -> bool:
        return category.stops_the_report

    def save_model(self, request, obj, form, change):
        # Edited here, the category belongs to the administration: the file
        # no longer overwrites it.
        obj.managed_by_file = False
        super().save_model(request, obj, form, change)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["slug", "label_fr", "label_en", "hidden_from_company"]
    search_fields = ["slug", "label_fr"]


@admin.register(BlockedEmail)
class BlockedEmailAdmin(admin.ModelAdmin):
    list_display = ["email", "reason", "created_at"]
    search_fields = ["email"]

    def save_model(self, request, obj, form, change):
        obj.email = obj.email.strip().lower()
        super().save_model(request, obj, form, change)


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "action", "user", "details"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ["download", "size", "origin", "scan_state", "signature", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("fichier"))
    def download(self, attachment):
        if not attachment.is_clean:
            return attachment.name
        return format_html(
            '<a href="{}">{}</a>',
            reverse("attachment_download", args=[attachment.uid]),
            attachment.name,
        )


class ResponseInline(admin.StackedInline):
    model = Response
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in Response._meta.fields if f.name != "id"]

    def has_add_permission(self, request, obj=None):
        return False


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    can_delete = False
    readonly_fields = ["about", "rating", "comment", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """A read-only look at reports; agents get their own space."""

    list_display = ["reference", "created_at", "status", "company_name", "department", "email"]
    list_filter = ["status", "question_only"]
    search_fields = ["=reference", "=company_siret", "=email"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_select_related = ["category"]
    inlines = [ResponseInline, ReviewInline, AttachmentInline, EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """To watch the antivirus: files pending for long mean clamd is down."""

    list_display = ["name", "report", "origin", "size", "scan_state", "created_at", "scanned_at"]
    list_filter = ["scan_state", "origin"]
    search_fields = ["=report__reference", "=uid"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_select_related = ["report"]
    readonly_fields = [f.name for f in Attachment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    """The authorities agents forward reports to."""

    list_display = ["name", "url", "email", "is_active"]
    list_filter = ["is_active"]


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """Who exported what, and when: every export of reports, kept 10 days
    with its file; each download is an event of the history."""

    list_display = ["created_at", "user", "kind", "status", "rows", "query"]
    list_filter = ["kind", "status"]
    search_fields = ["user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = ["user", "kind", "query", "references", "status", "rows", "error", "created_at", "finished_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
