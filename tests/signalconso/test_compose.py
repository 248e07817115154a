"""docker-compose.yml is valid, and wires every service to the settings."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def _compose_command() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.fixture
def compose():
    command = _compose_command()
    if command is None:
        pytest.skip("no docker compose client on this machine")
    return command


def _config(compose, *args, **env_vars):
    env = {name: value for name, value in os.environ.items() if name != "SECRET_KEY"}
    env.update(env_vars)
    return subprocess.run(
        [*compose, "-f", "docker-compose.yml", "config", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_file_is_valid(compose):
    result = _config(compose, "-q", SECRET_KEY="s" * 50)
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_a_secret_key(compose):
    result = _config(compose)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_compose_runs_every_part_of_the_platform(compose):
    result = _config(compose, SECRET_KEY="s" * 50)
    assert result.returncode == 0, result.stderr
    config = result.stdout
    for service in ("web:", "worker:", "worker-bulk:", "beat:", "db:", "redis:", "minio:", "mailpit:", "migrate:"):
        assert f"  {service}" in config
    assert "gunicorn" in (BASE_DIR / "Dockerfile").read_text()
    assert "celery" in config and "beat" in config and "worker" in config
    assert "postgres://signalconso:signalconso@db:5432/signalconso" in config
    assert "smtp://mailpit:1025" in config
    assert "http://minio:9000" in config


# --- Read as YAML: what needs no compose client ---------------------------------------

FLOATING_TAGS = {"latest", "stable", "edge", "main", "master", "nightly", "alpine", "bookworm", "lts", "current"}


def _services() -> dict:
    import yaml

    # safe_load resolves the file's anchors and its `<<` merges, as compose does.
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]


def _tag(image: str) -> str | None:
    name = image.rsplit("/", 1)[-1]
    return name.split(":", 1)[1] if ":" in name else None


def test_every_image_is_pinned_to_a_version():
    images = {name: service["image"] for name, service in _services().items()}
    assert {"db", "redis", "minio", "createbucket", "clamav", "mailpit"} <= set(images)
    for name, image in images.items():
        tag = _tag(image)
        assert tag, f"{name}: {image} has no tag"
        assert tag.lower() not in FLOATING_TAGS, f"{name}: {image} floats"
        if name not in {"migrate", "web", "worker", "worker-bulk", "beat"}:  # ours, built here
            assert any(character.isdigit() for character in tag), f"{name}: {image} names no version"


@pytest.mark.parametrize(
    "image, pinned",
    [
        ("postgres:15.10", True),
        ("quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z", True),
        ("localhost:5000/minio", False),
        ("minio/minio", False),
        ("minio/minio:latest", False),
        ("clamav/clamav:stable", False),
    ],
)
def test_the_tag_check_reads_registries_with_ports(image, pinned):
    tag = _tag(image)
    assert bool(tag and tag not in FLOATING_TAGS) is pinned


def test_the_workers_and_beat_have_a_healthcheck():
    services = _services()
    for name in ("web", "worker", "worker-bulk", "beat"):
        assert services[name].get("healthcheck", {}).get("test"), name
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])
    assert "celerybeat-schedule" in " ".join(services["beat"]["healthcheck"]["test"])


def test_the_migrate_service_loads_the_categories_after_migrating():
    command = " ".join(_services()["migrate"]["command"])
    assert command.index("manage.py migrate") < command.index("manage.py load_categories")
    assert "&&" in command  # not loaded on a database the migrations failed on


def _queues(service: dict) -> set[str]:
    command = service["command"]
    assert "worker" in command
    return set(command[command.index("--queues") + 1].split(","))


def test_a_worker_serves_each_queue_and_urgent_work_never_waits_behind_bulk_work():
    from django.conf import settings

    services = _services()
    workers = {name: _queues(s) for name, s in services.items() if "worker" in s.get("command", [])}
    queues = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert set().union(*workers.values()) == queues == {"urgent", "default", "bulk"}
    for name, served in workers.items():
        assert not ({"urgent", "bulk"} <= served), f"{name} would make urgent work wait behind bulk work"
    # Each worker pings under its own name, the one its healthcheck asks for
    # ($$ is compose's escape: the container's shell reads $HOSTNAME).
    for name, service in services.items():
        if name in workers:
            node = service["command"][service["command"].index("--hostname") + 1].split("@")[0]
            assert f"--destination {node}@$$HOSTNAME" in " ".join(service["healthcheck"]["test"])


def test_downloads_are_signed_for_an_address_browsers_reach():
    environment = _services()["web"]["environment"]
    assert environment["AWS_S3_ENDPOINT_URL"].endswith("minio:9000}")
    assert environment["AWS_S3_PUBLIC_ENDPOINT_URL"].endswith("localhost:9000}")
    assert "9000:9000" in _services()["minio"]["ports"]
