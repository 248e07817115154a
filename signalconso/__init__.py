"""The Django project (settings, URLs, the Celery application, the site's own
pages) and, below every app, its foundations: the audit log, tasks started by
name, locks, rate limits, refusals, PDFs, paging. No business logic."""

from signalconso.celery import app as celery_app

__all__ = ["celery_app"]
