"""The outbox in the admin site, and a preview of every email with sample data."""

from django.contrib import admin
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from notifications.emails import REGISTRY
from notifications.models import DepartmentOffice, OutgoingEmail, Subscription

AUDIENCES = {
    "consumer": _("Consommateurs"),
    "pro": _("Entreprises"),
    "agent": _("Agents"),
    "all": _("Tous"),
}


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["=report__reference"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    # `data` is shown through `data_shown`: an email not sent yet still holds its secrets (a reset
    # token, an invitation's link), which nobody reading the outbox needs and nobody may take.
    readonly_fields = [("data_shown" if f.name == "data" else f.name) for f in OutgoingEmail._meta.fields]
    exclude = ["data"]
    change_list_template = "admin/notifications/outgoingemail/change_list.html"

    @admin.display(description=_("destinataires"))
    def recipients(self, email):
        return ", ".join(email.to)

    @admin.display(description=_("données"))
    def data_shown(self, row):
        email = REGISTRY.get(row.kind)
        secrets = email.secrets if email else tuple(row.data)  # an unknown kind: nothing shown
        return {key: ("••••••" if key in secrets else value) for key, value in row.data.items()}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("apercus/", view(self.previews), name="notifications_previews"),
            path(
                "apercus/<slug:kind>/<str:language>/<str:part>/",
                view(self.preview),
                name="notifications_preview",
            ),
            *super().get_urls(),
        ]

    def previews(self, request):
        if not self.has_view_permission(request):
            raise Http404
        groups = []
        for audience, label in AUDIENCES.items():
            emails = [
                {
                    "kind": email.kind,
                    "description": email.description,
                    "links": [
                        (language, part, reverse("admin:notifications_preview", args=[email.kind, language, part]))
                        for language in ("fr", "en")
                        for part in ("html", "texte")
                    ],
                }
                for email in REGISTRY.values()
                if email.audience == audience
            ]
            groups.append((label, emails))
        context = {**self.admin_site.each_context(request), "title": _("Aperçu des courriels"), "groups": groups}
        return TemplateResponse(request, "admin/notifications/previews.html", context)

    def preview(self, request, kind, language, part):
        """The email as sent, drawn from sample data (nothing is saved)."""
        if not self.has_view_permission(request):
            raise Http404
        email = REGISTRY.get(kind)
        if email is None or language not in ("fr", "en") or part not in ("html", "texte"):
            raise Http404
        with translation.override(language):
            message = email.render(email.sample(), to=["exemple@example.fr"], language=language)
        if part == "html":
            response = HttpResponse(message.alternatives[0][0], content_type="text/html")
        else:
            text = f"Objet : {message.subject}\n\n{message.body}"
            response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return response


@admin.register(DepartmentOffice)
class DepartmentOfficeAdmin(admin.ModelAdmin):
    list_display = ["department", "name", "email"]
    search_fields = ["department", "name"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "email", "frequency", "last_sent_until"]
    list_filter = ["frequency"]
    search_fields = ["name", "user__email", "email"]
