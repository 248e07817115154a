"""The agents' search by a phone number or a site reads its index newest first."""

from django.db import migrations, models

from signalconso.migrations_ops import AddIndexWithoutLocking


class Migration(migrations.Migration):
    atomic = False  # the indexes are built without locking the reports (PostgreSQL)

    dependencies = [
        ("companies", "0007_set_aside_indexes"),
        ("reports", "0013_export_building"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="report",
            index=models.Index(
                condition=~models.Q(phone=""), fields=["phone", "created_at"], name="report_phone_created"
            ),
        ),
        AddIndexWithoutLocking(
            model_name="report",
            index=models.Index(
                condition=models.Q(website__isnull=False),
                fields=["website", "created_at"],
                name="report_website_created",
            ),
        ),
    ]
