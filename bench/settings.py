"""The settings of `make bench`: the project's own, plus one bench-only page
(bench/urls.py) that production never serves."""

from signalconso.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
