"""Latency of company search (target: p95 under 50 ms with one million establishments).

Run after bench_sirene_import.py, on the same database:

    export DATABASE_URL=postgres://postgres@127.0.0.1/signalconso_bench
    python bench/bench_company_search.py

Prints p50, p95 and max per kind of query, over queries drawn from the
generator's vocabulary and from the register loaded: common words, rare
words, misspelled ones, words being typed, whole names, with a postal code
or a department, SIRET and SIREN.
"""

import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signalconso.settings")

import django  # noqa: E402

django.setup()

from sirene_files import WORDS  # noqa: E402

from companies.identifiers import fold  # noqa: E402
from companies.models import Company, NameWord  # noqa: E402
from companies.selectors import search_companies  # noqa: E402

ROUNDS = 200


def misspell(word: str, rng: random.Random) -> str:
    position = rng.randrange(1, len(word) - 1)
    return word[:position] + word[position + 1 :]  # one letter dropped


def words_of(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", fold(text)))


def holds(company: Company, wanted: str) -> bool:
    return f" {wanted} " in f" {words_of(f'{company.legal_name} {company.brand}')} "


def main() -> None:
    rng = random.Random(7)
    total = Company.objects.count()
    sample = list(Company.objects.order_by("?").values("siret", "siren", "postal_code", "department")[:ROUNDS])
    # Rare words: those of the register's long tail (surnames, invented brands).
    common = {word.lower() for word in WORDS}
    rare = [
        word
        for word in NameWord.objects.order_by("?").values_list("word", flat=True)[: ROUNDS * 4]
        if word not in common and len(word) > 4
    ][:ROUNDS]
    names = [
        company.name for company in Company.objects.filter(pk__in=Company.objects.order_by("?").values("pk")[:ROUNDS])
    ]
    long_words = [w for w in WORDS if len(w) > 4]

    def word(i):
        return rng.choice(long_words)

    # Each kind gives the search's arguments, and words one of the results
    # must hold (or None when any result will do).
    kinds = {
        "one word": lambda i: ({"query": (w := word(i))}, w.lower()),
        "two words": lambda i: ({"query": f"{word(i)} {word(i)}"}, None),
        "misspelled": lambda i: ({"query": misspell(w := word(i), rng)}, w.lower()),
        "being typed": lambda i: ({"query": word(i)[: rng.randint(3, 5)]}, None),
        "rare word": lambda i: ({"query": rare[i % len(rare)]}, rare[i % len(rare)]),
        "rare, misspelled": lambda i: (
            {"query": misspell(rare[i % len(rare)], rng)},
            rare[i % len(rare)],
        ),
        "a whole name": lambda i: (
            {"query": names[i % len(names)]},
            words_of(names[i % len(names)]),
        ),
        "word + postal code": lambda i: (
            {"query": word(i), "postal_code": sample[i]["postal_code"]},
            None,
        ),
        "word + department": lambda i: (
            {"query": misspell(word(i), rng), "department": sample[i]["department"]},
            None,
        ),
        "SIRET": lambda i: ({"query": sample[i]["siret"]}, None),
        "SIREN": lambda i: ({"query": sample[i]["siren"]}, None),
    }
    print(f"{total:,} establishments, {ROUNDS} queries of each kind")
    print("  found: how often one of the 20 results holds the word meant")
    for name, make in kinds.items():
        timings, found, checked = [], 0, 0
        for i in range(ROUNDS):
            arguments, wanted = make(i)
            started = time.perf_counter()
            results = search_companies(**arguments)
            timings.append((time.perf_counter() - started) * 1000)
            if wanted is not None:
                checked += 1
                found += any(holds(company, wanted) for company in results)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        share = f"found {found / checked:6.1%}" if checked else ""
        print(
            f"  {name:<20} p50 {statistics.median(timings):6.1f} ms   p95 {p95:6.1f} ms   "
            f"max {timings[-1]:6.1f} ms   {share}"
        )


if __name__ == "__main__":
    main()
