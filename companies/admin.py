from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from companies.identifiers import normalize_host
from companies.models import ActivationLetter, Company, Website
from companies.selectors import search_companies


class EstimatedCountPaginator(Paginator):
    """The register has tens of millions of rows: on PostgreSQL an unfiltered
    list takes the planner's estimate instead of counting them all."""

    @cached_property
    def count(self):
        query = self.object_list.query
        if connection.vendor == "postgresql" and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE relname = %s",
                    [self.object_list.model._meta.db_table],
                )
                estimate = cursor.fetchone()[0]
            if estimate > 10_000:
                return estimate
        return super().count


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["siret", "name", "brand", "postal_code", "city", "is_head_office", "is_open"]
    list_filter = ["is_open", "is_head_office"]
    search_fields = ["siret"]
    search_help_text = _("Nom (même mal orthographié), SIRET ou SIREN.")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    ordering = ["siret"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["siret", "siren", "legal_name", "brand", "activity_code"]}),
        (
            _("Adresse"),
            {
                "fields": [
                    "address_complement",
                    "street",
                    "special_distribution",
                    "postal_code",
                    "city",
                    "department",
                    "country",
                ]
            },
        ),
        (_("État"), {"fields": ["is_head_office", "is_open", "created_at", "updated_at"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        # The same search as the consumers', not a LIKE over the whole register.
        if not search_term.strip():
            return queryset, False
        try:
            found = search_companies(query=search_term, limit=100)
        except ValidationError:
            return queryset.none(), False
        return queryset.filter(pk__in=[c.pk for c in found]), False


class WebsiteForm(forms.ModelForm):
    class Meta:
        model = Website
        fields = ["host", "state", "company", "country"]

    def clean_host(self):
        try:
            return normalize_host(self.cleaned_data["host"])
        except ValidationError as error:
            raise ValidationError(error.messages) from error


@admin.register(Website)
class WebsiteAdmin(admin.ModelAdmin):
    form = WebsiteForm
    list_display = ["host", "state", "company", "country", "created_at"]
    list_filter = ["state"]
    search_fields = ["host"]
    autocomplete_fields = ["company"]
    list_select_related = ["company"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(ActivationLetter)
class ActivationLetterAdmin(admin.ModelAdmin):
    list_display = ["company", "kind", "reports_waiting", "created_at", "posted_at"]
    list_filter = ["kind"]
    search_fields = ["=company__siret"]
    list_select_related = ["company"]
    fields = ["company", "kind", "reports_waiting", "batch", "created_at", "posted_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
