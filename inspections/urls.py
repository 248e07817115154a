"""The inspections, in the agents' space: /agents/controles/."""

from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("export.xlsx", views.inspection_export, name="export"),
    path("lancer/", views.inspection_new, name="new"),
    path("ou-controler/", views.inspection_candidates_view, name="candidates"),
    path("chiffres/", views.inspection_figures_view, name="figures"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/commencer/", views.inspection_start, name="start"),
    path("<int:pk>/terminer/", views.inspection_conclude, name="conclude"),
    path("<int:pk>/annuler/", views.inspection_cancel, name="cancel"),
]
