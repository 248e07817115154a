"""Every periodic job named in CELERY_BEAT_SCHEDULE is a task the worker knows."""

from django.conf import settings

from signalconso.celery import app


def test_every_scheduled_job_is_a_registered_task():
    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "accounts.tasks.clear_expired_sessions",
        "reports.tasks.rescan_pending_attachments",
        "reports.tasks.purge_orphan_attachments",
    } <= names
    assert names <= set(app.tasks)
