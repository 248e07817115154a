"""The authorities a report is most often forwarded to (editable in the admin)."""

from django.db import migrations

AUTHORITIES = [
    ("PHAROS (signalement des contenus illicites en ligne)", "https://www.internet-signalement.gouv.fr"),
    ("Douane", "https://www.douane.gouv.fr"),
    ("Autorité des marchés financiers (AMF)", "https://www.amf-france.org"),
    ("Autorité de contrôle prudentiel et de résolution (ACPR)", "https://acpr.banque-france.fr"),
    ("Commission nationale de l’informatique et des libertés (CNIL)", "https://www.cnil.fr"),
    ("Police ou gendarmerie", "https://www.masecurite.interieur.gouv.fr"),
]


def add(apps, schema_editor):
    Authority = apps.get_model("reports", "Authority")
    for name, url in AUTHORITIES:
        Authority.objects.get_or_create(name=name, defaults={"url": url})


def remove(apps, schema_editor):
    apps.get_model("reports", "Authority").objects.filter(name__in=[n for n, _u in AUTHORITIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0010_exports")]
    operations = [migrations.RunPython(add, remove)]
