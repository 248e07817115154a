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
    for service in ("web:", "worker:", "beat:", "db:", "redis:", "minio:", "mailpit:", "migrate:"):
        assert f"  {service}" in config
    assert "gunicorn" in (BASE_DIR / "Dockerfile").read_text()
    assert "celery" in config and "beat" in config and "worker" in config
    assert "postgres://signalconso:signalconso@db:5432/signalconso" in config
    assert "smtp://mailpit:1025" in config
    assert "http://minio:9000" in config
