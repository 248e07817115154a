"""The site's URLs. Pages are French at the root and English under /en/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import include, path, reverse

from reports.files.views import attachment_download
from reports.statistics import views as statistics_views
from signalconso import views

admin.site.site_header = "SignalConso — administration"


def admin_login(request, extra_context=None):
    """The admin site has no login of its own: ours asks the staff's second
    factor. Somebody already signed in is no administrator: sending them to log
    in again would bring them straight back here, round and round."""
    if request.user.is_authenticated:
        raise Http404
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


admin.site.login = admin_login
admin.site.site_title = "SignalConso"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("csp-report", views.csp_report, name="csp_report"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("admin/", admin.site.urls),
    path("api/entreprises/", include("companies.urls")),
    path("api/statistiques", statistics_views.statistics_json, name="statistics_json"),
    path("api/statistiques/<slug:table>.csv", statistics_views.statistics_csv, name="statistics_csv"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("conditions-generales-d-utilisation/", views.terms, name="terms"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
    path("securite/", views.security_page, name="security"),
    path("compte/", include("accounts.urls")),
    path("signaler/", include("reports.wizard.urls")),
    path("pro/", include("reports.pro.urls")),
    path("agents/controles/", include("inspections.urls")),
    path("agents/", include("reports.agents.urls")),
    path("statistiques/", statistics_views.statistics_page, name="statistics"),
    path("statistiques/methode/", statistics_views.method_page, name="statistics_method"),
    path("fichiers/<uuid:uid>/", attachment_download, name="attachment_download"),
    prefix_default_language=False,
)
