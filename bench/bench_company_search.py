"""Latency of company search (target: p95 under 50 ms with one million establishments).

Run after bench_sirene_import.py, on the same database:

    export DATABASE_URL=postgres://postgres@127.0.0.1/signalconso_bench
    python bench/bench_company_search.py

Prints p50, p95 and max per kind of query, over queries drawn from the
generator's vocabulary (names, misspelled names, names with a postal code,
SIRET and SIREN).
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signalconso.settings")

import django  # noqa: E402

django.setup()

from sirene_files import WORDS  # noqa: E402

from companies.models import Company  # noqa: E402
from companies.selectors import search_companies  # noqa: E402

ROUNDS = 200


def misspell(word: str, rng: random.Random) -> str:
    position = rng.randrange(1, len(word) - 1)
    return word[:position] + word[position + 1 :]  # one letter dropped


def main() -> None:
    rng = random.Random(7)
    total = Company.objects.count()
    sample = list(Company.objects.order_by("?").values("siret", "siren", "postal_code")[:ROUNDS])
    long_words = [w for w in WORDS if len(w) > 4]
    kinds = {
        "one word": lambda i: {"query": rng.choice(long_words)},
        "two words": lambda i: {"query": f"{rng.choice(long_words)} {rng.choice(long_words)}"},
        "misspelled": lambda i: {"query": misspell(rng.choice(long_words), rng)},
        "word + postal code": lambda i: {
            "query": rng.choice(long_words),
            "postal_code": sample[i]["postal_code"],
        },
        "SIRET": lambda i: {"query": sample[i]["siret"]},
        "SIREN": lambda i: {"query": sample[i]["siren"]},
    }
    print(f"{total:,} establishments, {ROUNDS} queries of each kind")
    for name, make in kinds.items():
        timings = []
        for i in range(ROUNDS):
            arguments = make(i)
            started = time.perf_counter()
            search_companies(**arguments)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"  {name:<20} p50 {statistics.median(timings):6.1f} ms   p95 {p95:6.1f} ms   "
            f"max {timings[-1]:6.1f} ms"
        )


if __name__ == "__main__":
    main()
