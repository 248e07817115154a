"""The site's URLs. Pages are French at the root and English under /en/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from reports.views import attachment_download

from . import views

admin.site.site_header = "SignalConso — administration"
admin.site.site_title = "SignalConso"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/entreprises/", include("companies.urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("compte/", include("accounts.urls")),
    path("signaler/", include("reports.urls")),
    path("pro/", include("reports.pro_urls")),
    path("fichiers/<uuid:uid>/", attachment_download, name="attachment_download"),
    prefix_default_language=False,
)
