"""The companies' space, under /pro/."""

from django.urls import path

from companies import pro_views as company_views

from . import pro_views

app_name = "pro"

urlpatterns = [
    path("", pro_views.reports_list, name="reports"),
    path("signalements/<str:reference>/", pro_views.report_detail, name="report"),
    path("signalements/<str:reference>/repondre/", pro_views.answer_prepare, name="answer"),
    path("signalements/<str:reference>/apercu/", pro_views.answer_preview, name="answer_preview"),
    path("engagements/", pro_views.engagements, name="engagements"),
    path(
        "engagements/<str:reference>/tenu/",
        pro_views.engagement_honoured,
        name="engagement_honoured",
    ),
    path("chiffres/", pro_views.figures, name="figures"),
    path("parametres/", pro_views.settings_view, name="settings"),
    path("entreprises/<str:siret>/acces/", company_views.accesses, name="accesses"),
    path("entreprises/<str:siret>/acces/<int:pk>/", company_views.access_change, name="access_change"),
    path("activer/", company_views.activate, name="activate"),
    path("activer/envoye/", company_views.activate_sent, name="activate_sent"),
    path("activer/<str:token>/", company_views.activate_finish, name="activate_finish"),
]
