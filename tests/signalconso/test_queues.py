"""Every task of ours goes to one of the three queues, chosen on purpose, and
the long ones carry their own time limits."""

import pytest
from django.conf import settings

from signalconso.celery import app

QUEUES = {"urgent", "default", "bulk"}
OUR_APPS = ("accounts.", "companies.", "notifications.", "reports.", "signalconso.")


def _our_tasks() -> list[str]:
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if name.startswith(OUR_APPS))


def _queue_of(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def test_the_worker_knows_all_three_queues():
    assert {queue.name for queue in app.conf.task_queues} == QUEUES
    assert app.conf.task_default_queue == "default"


def test_each_queue_is_bound_by_its_own_routing_key():
    # On Redis a message goes to every queue bound to its exchange with its key:
    # queues sharing a key would each get, and run, every task.
    queues = list(app.amqp.queues.values())
    assert len({(queue.exchange.name, queue.routing_key) for queue in queues}) == len(queues)
    for name in _our_tasks():
        route = app.amqp.router.route({}, name)
        assert route["queue"].routing_key == route["queue"].name, name


def test_every_task_of_ours_is_routed_by_name_to_one_of_the_three_queues():
    names = _our_tasks()
    assert "reports.tasks.build_export" in names and "notifications.tasks.send_email" in names
    # Named in the routes, so that a new task is given its queue by whoever writes it.
    assert set(names) <= set(settings.CELERY_TASK_ROUTES), set(names) - set(settings.CELERY_TASK_ROUTES)
    assert set(settings.CELERY_TASK_ROUTES) <= set(names), "a route names a task that does not exist"
    for name in names:
        assert _queue_of(name) in QUEUES, name


@pytest.mark.parametrize(
    "name, queue",
    [
        ("notifications.tasks.send_email", "urgent"),
        ("notifications.tasks.sweep_emails", "urgent"),
        ("accounts.tasks.send_password_reset", "urgent"),
        ("reports.tasks.send_deferred_company_alerts", "urgent"),
        ("reports.tasks.send_reminders", "default"),
        ("reports.tasks.fail_stuck_exports", "default"),
        ("reports.tasks.build_export", "bulk"),
        ("reports.tasks.scan_attachment", "bulk"),
        ("reports.tasks.rescan_pending_attachments", "bulk"),
        ("reports.tasks.refresh_statistics", "bulk"),
    ],
)
def test_what_people_wait_for_is_urgent_and_long_work_is_bulk(name, queue):
    assert _queue_of(name) == queue


def test_a_task_sent_by_name_follows_its_route_unless_a_queue_is_given():
    # app.send_task (signalconso.background) routes by name; the test worker
    # (tests/worker.py) relies on an explicit queue winning over the route.
    assert _queue_of("reports.tasks.build_export") == "bulk"
    assert app.amqp.router.route({"queue": "test-x"}, "reports.tasks.build_export")["queue"].name == "test-x"


def test_long_tasks_have_their_own_time_limits(settings):
    app.loader.import_default_modules()
    export = app.tasks["reports.tasks.build_export"]
    assert export.time_limit == settings.EXPORT_TIME_LIMIT
    assert 0 < export.soft_time_limit < export.time_limit
    for name in (
        "reports.tasks.rescan_pending_attachments",
        "reports.tasks.refresh_statistics",
        "reports.tasks.anonymise_old_reports",
        "reports.tasks.purge_exports",
        "reports.tasks.purge_orphan_attachments",
    ):
        task = app.tasks[name]
        assert task.time_limit == settings.BULK_TASK_TIME_LIMIT, name
        assert 0 < task.soft_time_limit < task.time_limit, name
    # The others keep the global limits.
    assert app.tasks["notifications.tasks.send_email"].time_limit == settings.CELERY_TASK_TIME_LIMIT


def test_the_stuck_exports_job_is_scheduled():
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reports.tasks.fail_stuck_exports" in names
