from django.contrib.auth.views import LogoutView
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("nom/", views.account_names, name="account_names"),
    path("departements/", views.account_departments, name="account_departments"),
    path("changer-adresse/", views.account_email, name="account_email"),
    path("adresse/<str:token>/", views.email_confirm, name="email_confirm"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("connexion/code/", views.otp_verify, name="otp"),
    path("connexion/application/", views.otp_setup, name="otp_setup"),
    path("connexion/application/<str:token>/", views.otp_setup_link, name="otp_setup_link"),
    path("deconnexion/", LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mot-de-passe/changer/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "mot-de-passe/changer/termine/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
