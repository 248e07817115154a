"""Starting a background task by its registered name, once the transaction
that asks for it has committed.

Services call this instead of importing their tasks: `tasks.py` modules sit
above the services they wrap, and nothing below imports them. With no broker
(`make run`, tests) the task runs at once in this process, as Celery's eager
mode does. With the broker down nothing is lost: each task has a periodic job
that catches up (the outbox's sweeper, the rescan of pending files…), so the
failure is logged and the request goes on.
"""

import logging

from django.db import transaction

from signalconso.celery import app

logger = logging.getLogger(__name__)


def start_task(name: str, *args) -> None:
    """Sends the task `name` with these arguments (ids, never objects) after commit."""
    transaction.on_commit(lambda: send_task_now(name, *args))


def send_task_now(name: str, *args) -> None:
    try:
        if app.conf.task_always_eager:
            _registered(name).apply_async(args)
        else:
            app.send_task(name, args=args)
    except Exception:
        logger.warning("task %s%r not started: left to its periodic job", name, args, exc_info=True)


def _registered(name: str):
    if name not in app.tasks:
        # The tasks modules are imported on first use in a web process.
        app.loader.import_default_modules()
    return app.tasks[name]
