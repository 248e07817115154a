"""The agents' space, under /agents/."""

from django.urls import path

from . import agent_views as views

app_name = "agents"

urlpatterns = [
    path("", views.home, name="home"),
    path("signalements/", views.search, name="search"),
    path("signalements/enregistrer/", views.search_save, name="search_save"),
    path("signalements/oublier/<int:pk>/", views.search_forget, name="search_forget"),
    path("signalements/<str:reference>/", views.report_detail, name="report"),
    path("signalements/<str:reference>/commenter/", views.report_comment, name="comment"),
    path("signalements/<str:reference>/controle/", views.report_inspection, name="inspection"),
    path("signalements/<str:reference>/suivre/", views.report_bookmark, name="bookmark"),
    path("signalements/<str:reference>/mots-cles/", views.report_tags, name="tags"),
    path("signalements/<str:reference>/transmettre/", views.report_forward_view, name="forward"),
    path(
        "signalements/<str:reference>/admin/<slug:action>/",
        views.report_admin_action,
        name="admin_action",
    ),
    path("abonnements/", views.subscriptions, name="subscriptions"),
    path("abonnements/<int:pk>/supprimer/", views.subscription_delete, name="subscription_delete"),
    path("inviter/", views.invite, name="invite"),
]
