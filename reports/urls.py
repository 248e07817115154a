from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.problem, name="problem"),
    path("probleme/<slug:slug>/", views.problem, name="problem_node"),
    path("entreprise/", views.company, name="company"),
    path("details/", views.details, name="details"),
    path("coordonnees/", views.consumer, name="consumer"),
    path("verification/", views.verification_step, name="verification"),
    path("confirmation/", views.confirmation, name="confirmation"),
    path("envoye/", views.done, name="done"),
    path("suivi/<str:token>/", views.follow_up, name="follow_up"),
    path("suivi/<str:token>/recapitulatif.pdf", views.receipt, name="receipt"),
    path("avis/<str:token>/", views.review, name="review"),
    path("reattribuer/<str:token>/", views.reattribute, name="reattribute"),
    path(
        "suivi/<str:token>/fichiers/<uuid:uid>/",
        views.follow_up_attachment,
        name="follow_up_attachment",
    ),
]
