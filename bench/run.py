"""`make bench`: every performance figure of issue 18, on the real stack, each
with its ratio to a reference measured in the same run on the same machine.

    make bench                       # 2,000,000 reports, one million establishments
    make bench REPORTS=200000        # a smaller database
    make bench BENCH_ARGS=--rebuild  # make the reports again even if their count is right

What it starts: gunicorn with 2 workers (bench.settings: the project's settings
plus a bench-only reference page) and a Celery worker on Redis, both on
127.0.0.1, stopped at the end. PostgreSQL is DATABASE_URL (its name must
contain "bench": the run creates users and may replace every report).

References, measured first:
  view   the bare Django view doing one primary-key query, through gunicorn (p50, p95)
  insert a durable single-row INSERT with its COMMIT, raw psycopg (p50; per second)
A latency's ratio is to the view's same quantile; a rate's to the inserts per
second; a duration's to the insert's p50.

Prints one line per figure: name, value, unit, ratio; then each target, met or
not, and for one missed what dominates it (the time in SQL against the rest,
the slowest statement's EXPLAIN ANALYZE).
"""

import argparse
import csv
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VAR = ROOT / "var" / "bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1/signalconso_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/8")
os.environ.setdefault("MEDIA_ROOT", str(VAR / "media"))
# The rate limits are per client address, and every client here is 127.0.0.1.
for name in ("COMPANY_SEARCH_RATE_LIMIT", "REPORT_CODE_RATE_LIMIT", "REPORT_SUBMIT_RATE_LIMIT"):
    os.environ.setdefault(name, "100000000")
os.environ.setdefault("STATISTICS_REFRESH_ON_READ", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from companies.models import AccessLevel, Company, CompanyAccess, Website  # noqa: E402
from reports.management.commands.generate_data import BIG_SIREN, COMMON_WORDS, RARE_WORDS  # noqa: E402
from reports.models import Category, Export, ExportStatus, Report  # noqa: E402
from reports.wizard.verification import SESSION_KEY as VERIFIED_KEY  # noqa: E402

PORT = 8765
HOST = "127.0.0.1"
ROUNDS = 30
LINES: list[tuple] = []  # (name, value, unit, ratio, reference)
TARGETS: list[tuple] = []  # (name, ok, text, diagnose)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


def figure(name: str, value: float, unit: str, reference: str, ratio: float) -> None:
    LINES.append((name, value, unit, ratio, reference))
    shown = f"{ratio:>9.3g} × {reference}" if reference != "-" else ""
    print(f"{name:<56} {value:>12,.1f} {unit:<10} {shown}", flush=True)


# --- The data ---------------------------------------------------------------------


def build(reports: int, companies: int, rebuild: bool) -> dict:
    call_command("migrate", verbosity=0)
    call_command("load_categories", verbosity=0)
    built = {}
    path = VAR / "build.json"
    if path.exists():
        built = json.loads(path.read_text())
    if Company.objects.exclude(siren=BIG_SIREN).count() < companies:
        from bench.sirene_files import generate
        from companies.sirene import import_files

        files = [VAR / f"StockUniteLegale_{companies}.csv.gz", VAR / f"StockEtablissement_{companies}.csv.gz"]
        if not all(f.exists() for f in files):
            say(f"writing {companies:,} establishments (bench/sirene_files.py)…")
            generate(VAR, companies)
        say("importing the register…")
        started = time.monotonic()
        summaries = import_files([str(f) for f in files])
        rows = sum(s.read for s in summaries)
        built["sirene_first_load"] = {"rows": rows, "seconds": time.monotonic() - started}
        rebuild = True  # reports point at companies: made again with them
    # The wizard's bench adds reports: what counts is the size generated.
    if rebuild or built.get("generate", {}).get("reports") != reports or Report.objects.count() < reports:
        say(f"generating {reports:,} reports (manage.py generate_data)…")
        started = time.monotonic()
        call_command("generate_data", reports=reports, replace=True)
        built["generate"] = {"reports": reports, "seconds": time.monotonic() - started}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(built))
    return built


def logged_in(user) -> str:
    """A session as accounts.views._finish_login leaves it once the second
    factor is checked (login() after the code): the user's keys, and the idle
    clock of accounts.middleware."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["staff_last_seen"] = time.time()
    session.create()
    return session.session_key


def users() -> tuple:
    agent, _ = User.objects.get_or_create(
        email="bench-agent@dgccrf.finances.gouv.fr", defaults={"role": Role.AGENT, "first_name": "Banc"}
    )
    pro, _ = User.objects.get_or_create(email="bench-pro@example.fr", defaults={"role": Role.PRO, "first_name": "Pro"})
    head = Company.objects.get(siren=BIG_SIREN, is_head_office=True)
    CompanyAccess.objects.get_or_create(company=head, user=pro, defaults={"level": AccessLevel.ADMIN})
    return agent, pro


def wizard_data(count: int = 200) -> Path:
    """Sessions with a verified address each, the categories and SIRETs to report."""
    leaves = []
    for node in Category.objects.active().filter(company_kind="siret", allow_question_only=False):
        if node.children.active().exists() or node.stops_the_report:
            continue
        if any(tag.hidden_from_company for tag in node.tags_on_path()):
            continue
        if any(q.required for q in node.questions_on_path()):
            continue
        leaves.append(node.slug)
    sessions = []
    stamp = int(time.time())
    for number in range(count):
        email = f"banc.{stamp}.{number}@example.fr"
        session = SessionStore()
        session[VERIFIED_KEY] = [email]
        session.create()
        sessions.append({"key": session.session_key, "email": email})
    sirets = list(Company.objects.filter(is_open=True).exclude(siren=BIG_SIREN).values_list("siret", flat=True)[:5000])
    path = VAR / "wizard.json"
    path.write_text(json.dumps({"sessions": sessions, "leaves": leaves, "sirets": sirets}))
    return path


# --- The processes ------------------------------------------------------------------


def start_web() -> subprocess.Popen:
    web = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "signalconso.wsgi", "--workers", "2",
         "--bind", f"{HOST}:{PORT}", "--chdir", str(ROOT), "--log-level", "warning", "--timeout", "120",
         "--env", "DJANGO_SETTINGS_MODULE=bench.settings"],
        cwd=ROOT,
    )  # fmt: skip
    for _ in range(100):
        try:
            get("/healthz")
            return web
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "signalconso", "worker", "--concurrency", "1",
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--hostname", f"bench-{os.getpid()}@%h"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "signalconso.settings"},
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


_connection = None


def get(path: str, cookie: str = "") -> tuple[int, float]:
    """One GET over a kept-alive connection: status and milliseconds."""
    global _connection
    if _connection is None:
        _connection = http.client.HTTPConnection(HOST, PORT, timeout=120)
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    started = time.perf_counter()
    try:
        _connection.request("GET", path, headers=headers)
        response = _connection.getresponse()
        response.read()
    except (http.client.HTTPException, OSError):
        _connection.close()
        _connection = None
        raise
    elapsed = (time.perf_counter() - started) * 1000
    if response.getheader("Connection", "").lower() == "close":
        _connection.close()
        _connection = None
    return response.status, elapsed


def timings(paths: list[str], cookie: str = "", rounds: int = ROUNDS) -> list[float]:
    for path in paths:  # warm: the first request of a page pays for its imports and caches
        status, _ = get(path, cookie)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
    return [get(path, cookie)[1] for _ in range(rounds) for path in paths]


# --- The references -------------------------------------------------------------------


def references() -> dict:
    pk = Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    view = timings([f"/bench/one-row/?pk={pk}"], rounds=300)
    url = os.environ["DATABASE_URL"]
    inserts = []
    with psycopg.connect(url, autocommit=False) as raw:
        raw.execute("CREATE TABLE IF NOT EXISTS bench_reference_insert (id bigserial PRIMARY KEY, v text)")
        raw.commit()
        for n in range(300):
            started = time.perf_counter()
            raw.execute("INSERT INTO bench_reference_insert (v) VALUES (%s)", [f"row {n}"])
            raw.commit()
            inserts.append((time.perf_counter() - started) * 1000)
        raw.execute("DROP TABLE bench_reference_insert")
        raw.commit()
    refs = {
        "view_p50": p(view, 0.5),
        "view_p95": p(view, 0.95),
        "insert_p50": p(inserts, 0.5),
        "inserts_per_s": 1000 / statistics.mean(inserts),
    }
    print(f"{'reference: bare view, one pk query, p50':<56} {refs['view_p50']:>12,.2f} ms", flush=True)
    print(f"{'reference: bare view, one pk query, p95':<56} {refs['view_p95']:>12,.2f} ms", flush=True)
    print(f"{'reference: durable INSERT + COMMIT, p50':<56} {refs['insert_p50']:>12,.2f} ms", flush=True)
    print(f"{'reference: durable INSERT + COMMIT, rate':<56} {refs['inserts_per_s']:>12,.0f} rows/s", flush=True)
    return refs


# --- What dominates a missed target -----------------------------------------------------


def diagnose(path: str, user=None) -> str:
    """The page served in this process: its time in SQL against the rest, and
    the slowest statement's plan."""
    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
        session = client.session
        session["staff_last_seen"] = time.time()
        session.save()
    client.get(path)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    total = (time.perf_counter() - started) * 1000
    sql = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    lines = [f"    in-process: {total:.0f} ms, of which SQL {sql:.0f} ms in {len(queries)} queries, "
             f"the rest (Python, templates) {total - sql:.0f} ms"]  # fmt: skip
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]), default=None)
    if slowest and float(slowest["time"]) * 1000 > 5 and slowest["sql"].lstrip().upper().startswith("SELECT"):
        lines.append(f"    slowest statement ({float(slowest['time']) * 1000:.0f} ms): {slowest['sql'][:400]}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            lines += ["      " + row[0] for row in cursor.fetchall()[:25]]
    return "\n".join(lines)


def target(name: str, ok: bool, text: str, path: str = "", user=None) -> None:
    TARGETS.append((name, ok, text, (path, user) if not ok and path else None))


# --- The figures --------------------------------------------------------------------------


def search_figures(refs: dict, agent) -> None:
    cookie = logged_in(agent)
    phone = Report.objects.exclude(phone="").values_list("phone").order_by("-id").first()[0]
    host = Website.objects.filter(reports__isnull=False).values_list("host", flat=True).order_by("-id").first()
    queries = {
        "a common word": {"texte": COMMON_WORDS[0]},
        "two words": {"texte": f"{COMMON_WORDS[1]} {COMMON_WORDS[2]}"},
        "a rare word": {"texte": RARE_WORDS[1]},
        "a phone number": {"telephone": phone},
        "a site": {"site": host},
        "filters without text (status, department)": {"statuts": "Transmis", "departements": "35"},
    }
    for label, params in queries.items():
        path = "/agents/signalements/?" + urlencode(params)
        values = timings([path], cookie)
        p50, p95 = p(values, 0.5), p(values, 0.95)
        figure(f"agents' search, {label}, p50", p50, "ms", "view p50", p50 / refs["view_p50"])
        figure(f"agents' search, {label}, p95", p95, "ms", "view p95", p95 / refs["view_p95"])
        limit = 30 if label == "a rare word" else 100
        target(f"agents' search, {label}: p95 < {limit} ms", p95 < limit, f"{p95:.0f} ms", path, agent)


def statistics_figures(refs: dict) -> None:
    from reports.statistics.snapshot import statistics_refresh

    times = []
    for _ in range(2):
        started = time.perf_counter()
        statistics_refresh()
        times.append(time.perf_counter() - started)
    figure(
        "statistics snapshot (statistics_refresh)",
        min(times),
        "s",
        "insert p50",
        min(times) * 1000 / refs["insert_p50"],
    )
    values = timings(["/statistiques/"])
    p95 = p(values, 0.95)
    figure("public statistics page, p95", p95, "ms", "view p95", p95 / refs["view_p95"])
    target("public statistics page: p95 < 20 ms", p95 < 20, f"{p95:.0f} ms", "/statistiques/")


def pro_figures(refs: dict, pro) -> None:
    cookie = logged_in(pro)
    total = Report.objects.filter(company__siren=BIG_SIREN, expires_at__isnull=False).count()
    print(f"{'  (the big company: reports sent to it)':<56} {total:>12,}", flush=True)
    for label, path in {
        "page 1": "/pro/?onglet=clos",
        "last page": "/pro/?onglet=clos&fin=1",
        "ongoing, page 1": "/pro/",
    }.items():
        values = timings([path], cookie)
        p95 = p(values, 0.95)
        figure(f"pro list, 10,000+ reports, {label}, p95", p95, "ms", "view p95", p95 / refs["view_p95"])
        target(f"pro list, {label}: p95 < 50 ms", p95 < 50, f"{p95:.0f} ms", path, pro)


def company_search_figures(refs: dict) -> None:
    names = list(
        Company.objects.exclude(legal_name="").values_list("legal_name", "postal_code").order_by("-id")[:2000:100]
    )
    paths = []
    for name, postal_code in names:
        words = name.split()
        paths.append("/api/entreprises/recherche?" + urlencode({"q": words[0]}))
        paths.append("/api/entreprises/recherche?" + urlencode({"q": name}))
        paths.append("/api/entreprises/recherche?" + urlencode({"q": words[-1], "code_postal": postal_code}))
    values = timings(paths, rounds=3)
    count = Company.objects.count()
    p50, p95 = p(values, 0.5), p(values, 0.95)
    figure(f"company search over {count:,} establishments, p50", p50, "ms", "view p50", p50 / refs["view_p50"])
    figure(f"company search over {count:,} establishments, p95", p95, "ms", "view p95", p95 / refs["view_p95"])
    target("company search: p95 < 50 ms (no target set; the list's)", p95 < 50, f"{p95:.0f} ms")


def sirene_figures(refs: dict, built: dict) -> None:
    from companies.sirene import import_files

    first = built.get("sirene_first_load")
    if first:
        rate = first["rows"] / first["seconds"]
        figure("SIRENE import, first load (at build)", rate, "rows/s", "inserts/s", rate / refs["inserts_per_s"])
    files = sorted(VAR.glob("StockUniteLegale_*.csv.gz"))[-1:] + sorted(VAR.glob("StockEtablissement_*.csv.gz"))[-1:]
    if len(files) == 2:
        started = time.monotonic()
        rows = sum(s.read for s in import_files([str(f) for f in files]))
        rate = rows / (time.monotonic() - started)
        figure(
            "SIRENE import, monthly re-import (unchanged)", rate, "rows/s", "inserts/s", rate / refs["inserts_per_s"]
        )


def peak_rss(pid: int) -> float:
    """The highest resident memory (VmHWM) of the process and its children, MiB."""
    peak = 0
    pids = [pid] + [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for one in pids:
        for line in Path(f"/proc/{one}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
    return peak


def export_figures(refs: dict, agent) -> None:
    from reports.agents.exports import export_request

    worker = start_worker()
    try:
        time.sleep(8)  # the worker up and its child forked
        export = export_request(user=agent, kind="xlsx", query="")
        started = time.monotonic()
        while True:
            export.refresh_from_db()
            if export.status in (ExportStatus.DONE, ExportStatus.FAILED):
                break
            if time.monotonic() - started > 600:
                raise RuntimeError("the export took more than 10 minutes")
            time.sleep(0.2)
        seconds = time.monotonic() - started
        memory = peak_rss(worker.pid)
    finally:
        stop(worker)
    if export.status != ExportStatus.DONE:
        raise RuntimeError(f"export failed: {export.error}")
    figure(f"XLSX export, {export.rows:,} rows, time", seconds, "s", "insert p50", seconds * 1000 / refs["insert_p50"])
    figure("XLSX export, worker's peak memory (VmHWM)", memory, "MiB", "-", 0)
    target(f"XLSX export of {export.rows:,} rows: < 5 s", seconds < 5, f"{seconds:.1f} s")
    target("XLSX export: worker < 250 MB", memory < 250, f"{memory:.0f} MiB")
    Export.objects.filter(pk=export.pk).delete()


def wizard_figures(refs: dict, seconds: int, users_count: int) -> None:
    data = wizard_data()
    prefix = VAR / "locust"
    before = Report.objects.count()
    subprocess.run(
        [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "--users", str(users_count), "--spawn-rate", str(users_count), "--run-time", f"{seconds}s",
         "--host", f"http://{HOST}:{PORT}", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
         "--stop-timeout", "10"],
        cwd=ROOT,
        env={**os.environ, "BENCH_WIZARD_DATA": str(data)},
        check=False,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    filed = Report.objects.count() - before
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    total = rows["Aggregated"]
    submit = rows.get("5 confirmation (submit)", {})
    failures = int(total["Failure Count"])
    rate = filed / seconds
    figure(f"wizard: reports filed per second ({users_count} users)", rate, "reports/s", "inserts/s",
           rate / refs["inserts_per_s"])  # fmt: skip
    p95_all = float(total["95%"])
    p95_submit = float(submit.get("95%", 0))
    figure("wizard: any step's request, p95", p95_all, "ms", "view p95", p95_all / refs["view_p95"])
    figure("wizard: the final submit, p95", p95_submit, "ms", "view p95", p95_submit / refs["view_p95"])
    figure("wizard: requests per second (12 per report)", float(total["Requests/s"]), "req/s", "-", 0)
    if failures:
        figure("wizard: failed requests", failures, "requests", "-", 0)
    slowest = sorted((r for n, r in rows.items() if n != "Aggregated"), key=lambda r: -float(r["95%"]))[:3]
    text = f"{rate:.1f}/s, p95 {p95_all:.0f} ms; slowest steps: " + ", ".join(
        f"{r['Name']} p95 {float(r['95%']):.0f} ms" for r in slowest
    )
    target("wizard: ≥ 50 reports/s with p95 < 200 ms", rate >= 50 and p95_all < 200, text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=2_000_000)
    parser.add_argument("--companies", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--wizard-seconds", type=int, default=60)
    parser.add_argument("--wizard-users", type=int, default=8)
    parser.add_argument("--only", default="", help="comma-separated: search,stats,pro,company,sirene,export,wizard")
    args = parser.parse_args()
    if connection.vendor != "postgresql" or "bench" not in settings.DATABASES["default"]["NAME"]:
        sys.exit("Run this on a PostgreSQL database whose name contains 'bench' (DATABASE_URL).")
    VAR.mkdir(parents=True, exist_ok=True)
    built = build(args.reports, args.companies, args.rebuild)
    agent, pro = users()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    print(f"machine: {os.cpu_count()} cores, {memory} GiB RAM, {version}; "
          f"{Report.objects.count():,} reports, {Company.objects.count():,} establishments", flush=True)  # fmt: skip
    if "generate" in built:
        g = built["generate"]
        print(
            f"{'data: generate_data (at build)':<56} {g['reports']:>12,} reports in {g['seconds']:.0f} s", flush=True
        )
    only = set(filter(None, args.only.split(",")))
    web = start_web()
    try:
        refs = references()
        steps = {
            "search": lambda: search_figures(refs, agent),
            "stats": lambda: statistics_figures(refs),
            "pro": lambda: pro_figures(refs, pro),
            "company": lambda: company_search_figures(refs),
            # Before the wizard: its emails (and their PDF receipts) would queue ahead of the export.
            "export": lambda: export_figures(refs, agent),
            "wizard": lambda: wizard_figures(refs, args.wizard_seconds, args.wizard_users),
            "sirene": lambda: sirene_figures(refs, built),
        }
        for name, step in steps.items():
            if not only or name in only:
                step()
    finally:
        stop(web)
    print("\ntargets:")
    for name, ok, text, diagnosis in TARGETS:
        print(f"  {'met   ' if ok else 'MISSED'} {name}: {text}")
        if diagnosis:
            print(diagnose(*diagnosis))


if __name__ == "__main__":
    main()
