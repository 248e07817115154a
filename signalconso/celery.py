"""The Celery application shared by the web processes, the workers and beat.

Its configuration is the CELERY_* part of the settings module; the schedule of
periodic jobs is CELERY_BEAT_SCHEDULE there.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signalconso.settings")

app = Celery("signalconso")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
