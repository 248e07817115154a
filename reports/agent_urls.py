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
    path("exports/", views.export_create, name="export_create"),
    path("exports/<int:pk>/", views.export_detail, name="export"),
    path("exports/<int:pk>/fichier/", views.export_file, name="export_file"),
    path("entreprises/", views.companies, name="companies"),
    path("entreprises/plus-signalees/", views.companies_most_reported, name="most_reported"),
    path("entreprises/a-activer/", views.companies_to_activate_view, name="companies_to_activate"),
    path("entreprises/<str:siret>/", views.company_detail, name="company"),
    path("courriers/<int:pk>/", views.letter_batch, name="letter_batch"),
    path("courriers/<int:pk>/pdf/", views.letter_batch_pdf, name="letter_batch_pdf"),
    path("sites/", views.websites, name="websites"),
    path("abonnements/", views.subscriptions, name="subscriptions"),
    path("abonnements/<int:pk>/supprimer/", views.subscription_delete, name="subscription_delete"),
    path("inviter/", views.invite, name="invite"),
]
