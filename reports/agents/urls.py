"""The agents' space, under /agents/."""

from django.urls import path

from reports.agents.views import companies, exports, home, report, search, websites

app_name = "agents"

urlpatterns = [
    path("", home.home, name="home"),
    path("inviter/", home.invite, name="invite"),
    path("signalements/", search.search, name="search"),
    path("signalements/enregistrer/", search.search_save, name="search_save"),
    path("signalements/oublier/<int:pk>/", search.search_forget, name="search_forget"),
    path("signalements/<reference:reference>/", report.report_detail, name="report"),
    path("signalements/<reference:reference>/commenter/", report.report_comment, name="comment"),
    path("signalements/<reference:reference>/suivre/", report.report_bookmark, name="bookmark"),
    path("signalements/<reference:reference>/mots-cles/", report.report_tags, name="tags"),
    path("signalements/<reference:reference>/transmettre/", report.report_forward_view, name="forward"),
    path("signalements/<reference:reference>/admin/rouvrir/", report.report_reopen, name="report_reopen"),
    path("signalements/<reference:reference>/admin/anonymiser/", report.report_anonymise, name="report_anonymise"),
    path(
        "signalements/<reference:reference>/admin/entreprise/",
        report.report_change_company_view,
        name="report_change_company",
    ),
    path("signalements/<reference:reference>/admin/supprimer/", report.report_delete, name="report_delete"),
    path("exports/", exports.export_create, name="export_create"),
    path("exports/<int:pk>/", exports.export_detail, name="export"),
    path("exports/<int:pk>/fichier/", exports.export_file, name="export_file"),
    path("exports/<int:pk>/etat/", exports.export_status, name="export_status"),
    path("entreprises/", companies.companies, name="companies"),
    path("entreprises/plus-signalees/", companies.companies_most_reported, name="most_reported"),
    path("entreprises/a-activer/", companies.companies_to_activate_view, name="companies_to_activate"),
    path("entreprises/<siret:siret>/", companies.company_detail, name="company"),
    path("courriers/<int:pk>/", companies.letter_batch, name="letter_batch"),
    path("courriers/<int:pk>/pdf/", companies.letter_batch_pdf, name="letter_batch_pdf"),
    path("sites/", websites.websites, name="websites"),
    path("sites/<int:pk>/rattacher/", websites.website_identify_view, name="website_identify"),
    path("sites/<int:pk>/etranger/", websites.website_mark_foreign, name="website_foreign"),
    path("sites/<int:pk>/place-de-marche/", websites.website_mark_marketplace, name="website_marketplace"),
    path("abonnements/", search.subscriptions, name="subscriptions"),
    path("abonnements/<int:pk>/supprimer/", search.subscription_delete, name="subscription_delete"),
]
