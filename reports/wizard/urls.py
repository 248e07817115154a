"""The consumer's pages, under /signaler/: the wizard's steps, then the
follow-up pages reached from the links of the emails."""

from django.urls import path

from reports.wizard import follow_up, views

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
    path("suivi/<str:token>/", follow_up.follow_up, name="follow_up"),
    path("suivi/<str:token>/recapitulatif.pdf", follow_up.receipt, name="receipt"),
    path("suivi/<str:token>/fichiers/<uuid:uid>/", follow_up.follow_up_attachment, name="follow_up_attachment"),
    path("suivi/<str:token>/nouveau-lien/", follow_up.follow_up_renew, name="follow_up_renew"),
    path("suivi/<str:token>/effacer/", follow_up.follow_up_erase, name="follow_up_erase"),
    path("avis/<str:token>/", follow_up.review, name="review"),
    path("reattribuer/<str:token>/", follow_up.reattribute, name="reattribute"),
]
