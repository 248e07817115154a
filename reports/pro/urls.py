"""The companies' space, under /pro/."""

from django.urls import path

from reports.pro import activation, users, views

app_name = "pro"

urlpatterns = [
    path("", views.reports_list, name="reports"),
    path("signalements/<reference:reference>/", views.report_detail, name="report"),
    path("signalements/<reference:reference>/repondre/", views.answer_prepare, name="answer"),
    path("signalements/<reference:reference>/apercu/", views.answer_preview, name="answer_preview"),
    path("engagements/", views.engagements, name="engagements"),
    path("engagements/<reference:reference>/tenu/", views.engagement_honoured, name="engagement_honoured"),
    path("chiffres/", views.figures, name="figures"),
    path("parametres/", views.settings_view, name="settings"),
    path("entreprises/<siret:siret>/acces/", users.accesses, name="accesses"),
    path("entreprises/<siret:siret>/acces/<int:pk>/", users.access_change, name="access_change"),
    path("activer/", activation.activate, name="activate"),
    path("activer/envoye/", activation.activate_sent, name="activate_sent"),
    path("activer/<str:token>/", activation.activate_finish, name="activate_finish"),
]
