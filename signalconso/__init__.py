"""The Django project: settings, URLs, Celery application. No business logic."""

from signalconso.celery import app as celery_app

__all__ = ["celery_app"]
