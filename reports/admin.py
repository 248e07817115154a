from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Category, DetailQuestion, Tag


class DetailQuestionInline(admin.StackedInline):
    model = DetailQuestion
    extra = 0
    fields = [("slug", "position", "kind", "required"), ("label_fr", "label_en"),
              ("help_fr", "help_en"), "choices"]  # fmt: skip


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["title_fr", "slug", "parent", "company_kind", "stops", "is_active",
                    "managed_by_file"]  # fmt: skip
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
        ),  # fmt: skip
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
