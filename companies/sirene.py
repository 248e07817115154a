"""Import of INSEE's SIRENE stock files (open data) into the companies table.

Two files are read, in their published CSV layout: the establishments
(StockEtablissement: one row per SIRET) and, optionally, the legal units
(StockUniteLegale: one row per SIREN, which gives the legal name; read first
when both are given). Files may be
plain, gzip or zip. Rows are streamed in batches, so memory stays flat whatever
the file's size; on PostgreSQL each batch is loaded with COPY into a temporary
table and merged with one INSERT … ON CONFLICT. A malformed row is counted and
reported with its line number; it never stops the import.
"""

import csv
import gzip
import io
import os
import queue
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from companies.identifiers import department_from_commune_code, department_from_postal_code, is_digits
from companies.models import Company, LegalUnit, SetAsideIndex
from signalconso.locks import job_lock

ESTABLISHMENTS = "establishments"
LEGAL_UNITS = "legal_units"

# The columns each kind of file must have (they have many more, ignored).
REQUIRED_COLUMNS = {
    ESTABLISHMENTS: [
        "siren",
        "siret",
        "etablissementSiege",
        "etatAdministratifEtablissement",
        "codePostalEtablissement",
        "libelleCommuneEtablissement",
        "activitePrincipaleEtablissement",
    ],
    LEGAL_UNITS: ["siren", "denominationUniteLegale", "nomUniteLegale"],
}
# Legal units first: establishments then take their legal name as they are
# inserted, instead of being rewritten afterwards.
KIND_ORDER = {LEGAL_UNITS: 0, ESTABLISHMENTS: 1}

# INSEE writes this in place of what a person asked not to publish.
NOT_DIFFUSIBLE = "[ND]"

STREET_TYPES = {
    "ALL": "ALLÉE",
    "AV": "AVENUE",
    "BD": "BOULEVARD",
    "CAR": "CARREFOUR",
    "CHE": "CHEMIN",
    "CHS": "CHAUSSÉE",
    "CITE": "CITÉ",
    "COR": "CORNICHE",
    "CRS": "COURS",
    "DOM": "DOMAINE",
    "DSC": "DESCENTE",
    "ECA": "ÉCART",
    "ESP": "ESPLANADE",
    "FG": "FAUBOURG",
    "GR": "GRANDE RUE",
    "HAM": "HAMEAU",
    "HLE": "HALLE",
    "IMP": "IMPASSE",
    "LD": "LIEU-DIT",
    "LOT": "LOTISSEMENT",
    "MAR": "MARCHÉ",
    "MTE": "MONTÉE",
    "PARC": "PARC",
    "PAS": "PASSAGE",
    "PL": "PLACE",
    "PLN": "PLAINE",
    "PLT": "PLATEAU",
    "PRO": "PROMENADE",
    "PRV": "PARVIS",
    "QUA": "QUARTIER",
    "QUAI": "QUAI",
    "RES": "RÉSIDENCE",
    "RLE": "RUELLE",
    "ROC": "ROCADE",
    "RPT": "ROND-POINT",
    "RTE": "ROUTE",
    "RUE": "RUE",
    "SEN": "SENTIER",
    "SQ": "SQUARE",
    "TPL": "TERRE-PLEIN",
    "TRA": "TRAVERSE",
    "VLA": "VILLA",
    "VLGE": "VILLAGE",
    "ZA": "ZA",
    "ZAC": "ZAC",
    "ZI": "ZI",
}
REPETITION = {"B": "BIS", "T": "TER", "Q": "QUATER", "C": "C"}

# The columns written for an establishment, in this order.
ESTABLISHMENT_FIELDS = [
    "siret",
    "siren",
    "brand",
    "address_complement",
    "street",
    "special_distribution",
    "postal_code",
    "city",
    "department",
    "country",
    "activity_code",
    "is_head_office",
    "is_open",
]


class ImportRefused(Exception):
    """Nothing is imported, for the reason given."""


class ImportFormatError(ImportRefused):
    """A file that is not a SIRENE stock file: nothing of it is imported."""


class RowError(ValueError):
    """One row that cannot be read; the import goes on without it."""


@dataclass
class ImportSummary:
    path: str
    kind: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    # Legal units only: establishments whose legal name changed.
    renamed: int = 0
    rejections: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0

    MAX_KEPT_REJECTIONS = 1000

    def reject(self, line: int, reason: str) -> None:
        self.rejected += 1
        if len(self.rejections) < self.MAX_KEPT_REJECTIONS:
            self.rejections.append((line, reason))

    @property
    def rows_per_second(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0


# --- Reading ---------------------------------------------------------------------


@contextmanager
def open_stock_file(path: str):
    """Yields (text stream, raw binary file) for a plain, .gz or .zip file.

    The raw file's position tells how far the import has gone.
    """
    raw = open(path, "rb")  # noqa: SIM115 - closed below
    try:
        if path.endswith(".gz"):
            text = io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8", newline="")
        elif path.endswith(".zip"):
            archive = zipfile.ZipFile(raw)
            members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if len(members) != 1:
                raise ImportFormatError(
                    f"{path}: the archive must hold exactly one .csv file, it holds {len(members)}."
                )
            text = io.TextIOWrapper(archive.open(members[0]), encoding="utf-8", newline="")
        else:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        yield text, raw
    finally:
        raw.close()


def detect_kind(path: str, header: list[str]) -> str:
    columns = set(header)
    if "siret" in columns:
        kind = ESTABLISHMENTS
    elif "siren" in columns and "denominationUniteLegale" in columns:
        kind = LEGAL_UNITS
    else:
        raise ImportFormatError(
            f"{path}: this is not a SIRENE stock file. Its first line should name the columns of "
            f"the establishments file (siret, siren, etablissementSiege…) or of the legal units "
            f"file (siren, denominationUniteLegale…); it starts with: {', '.join(header[:5])}."
        )
    missing = [name for name in REQUIRED_COLUMNS[kind] if name not in columns]
    if missing:
        raise ImportFormatError(f"{path}: the {kind.replace('_', ' ')} file lacks the columns: {', '.join(missing)}.")
    return kind


def read_kind(path: str) -> str:
    try:
        with open_stock_file(path) as (text, _raw):
            header = next(csv.reader(text), [])
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile, gzip.BadGzipFile, EOFError) as error:
        raise ImportFormatError(f"{path}: cannot be read ({error}).") from error
    return detect_kind(path, header)


def _value(row: list[str], index: int | None) -> str:
    if index is None:
        return ""
    value = row[index].strip()
    return "" if value == NOT_DIFFUSIBLE else value


class EstablishmentParser:
    def __init__(self, header: list[str]):
        self.width = len(header)
        self.index = {name: position for position, name in enumerate(header)}

    def col(self, name: str) -> int | None:
        return self.index.get(name)

    def __call__(self, row: list[str]) -> tuple:
        if len(row) != self.width:
            raise RowError(f"{len(row)} columns instead of {self.width}")
        i, v = self.index, _value
        siret, siren = v(row, i["siret"]), v(row, i["siren"])
        if not (len(siret) == 14 and is_digits(siret)):
            raise RowError(f"SIRET {siret!r} is not 14 digits")
        if siret[:9] != siren:
            raise RowError(f"SIRET {siret} does not start with SIREN {siren!r}")

        number = v(row, self.col("numeroVoieEtablissement"))
        repetition = v(row, self.col("indiceRepetitionEtablissement"))
        street_type = v(row, self.col("typeVoieEtablissement"))
        street = " ".join(
            part
            for part in (
                number,
                REPETITION.get(repetition, repetition),
                STREET_TYPES.get(street_type, street_type),
                v(row, self.col("libelleVoieEtablissement")),
            )
            if part
        )
        postal_code = v(row, i["codePostalEtablissement"])
        city = v(row, i["libelleCommuneEtablissement"]) or v(row, self.col("libelleCommuneEtrangerEtablissement"))
        cedex = v(row, self.col("codeCedexEtablissement"))
        if cedex:
            postal_code, city = cedex, v(row, self.col("libelleCedexEtablissement")) or city
        country = v(row, self.col("libellePaysEtrangerEtablissement"))
        department = ""
        if not country:
            department = department_from_commune_code(
                v(row, self.col("codeCommuneEtablissement"))
            ) or department_from_postal_code(postal_code)
        brand = v(row, self.col("enseigne1Etablissement")) or v(row, self.col("denominationUsuelleEtablissement"))
        head_office = v(row, i["etablissementSiege"]).lower()
        if head_office not in ("true", "false"):
            raise RowError(f"etablissementSiege is {head_office!r}, not true or false")
        state = v(row, i["etatAdministratifEtablissement"])
        if state not in ("A", "F"):
            raise RowError(f"etatAdministratifEtablissement is {state!r}, not A or F")
        activity = v(row, i["activitePrincipaleEtablissement"])
        return (
            siret,
            siren,
            brand[:255],
            v(row, self.col("complementAdresseEtablissement"))[:255],
            street[:255],
            v(row, self.col("distributionSpecialeEtablissement"))[:255],
            postal_code[:10],
            city[:255],
            department,
            country[:100],
            activity[:6],
            head_office == "true",
            state == "A",
        )


class LegalUnitParser:
    def __init__(self, header: list[str]):
        self.width = len(header)
        self.index = {name: position for position, name in enumerate(header)}

    def __call__(self, row: list[str]) -> tuple:
        if len(row) != self.width:
            raise RowError(f"{len(row)} columns instead of {self.width}")
        get = self.index.get
        siren = _value(row, get("siren"))
        if not (len(siren) == 9 and is_digits(siren)):
            raise RowError(f"SIREN {siren!r} is not 9 digits")
        name = _value(row, get("denominationUniteLegale"))
        if not name:
            # An individual: first name and the name they use.
            first_name = _value(row, get("prenomUsuelUniteLegale")) or _value(row, get("prenom1UniteLegale"))
            last_name = _value(row, get("nomUsageUniteLegale")) or _value(row, get("nomUniteLegale"))
            name = f"{first_name} {last_name}".strip()
        return (siren, name[:255])


# --- Writing ---------------------------------------------------------------------


class PostgresWriter:
    """COPY into a temporary table, then one set-based merge per batch."""

    # Dropped for a bulk load and built again at its end: one build is far
    # cheaper than a million updates. The B-trees only when the table is
    # empty: pages and the merge of legal units look companies up by SIREN.
    WORD_INDEX = "companies_company_name_words"
    VOCABULARY_INDEX = "companies_nameword_trgm"
    LOOKUP_INDEXES = ("company_siren", "company_postal_code", "company_department")
    # Every word of every name, once. The words are gathered into a scratch
    # table first: a plain SELECT may use parallel workers, an INSERT's may not.
    COLLECT_WORDS = [
        """
        CREATE TEMPORARY TABLE sirene_words AS
        SELECT word FROM (
            SELECT unnest(tsvector_to_array(companies_search_words(legal_name, brand))) AS word
            FROM companies_company
        ) AS words
        GROUP BY word
        """,
        "INSERT INTO companies_nameword (word) SELECT word FROM sirene_words ORDER BY word ON CONFLICT DO NOTHING",
        "DROP TABLE sirene_words",
    ]

    @contextmanager
    def search_index_set_aside(self):
        """Drops the search indexes for the duration of a bulk load and turns
        off the triggers that collect the names' words; at the end, builds
        the indexes again and collects the words in one pass. Meanwhile search
        by name is slow, so this is for a first load."""
        self.restore_search_indexes()
        self.drop_search_indexes(lookups_too=not Company.objects.exists())
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET companies.bulk_load")
            self.restore_search_indexes(collect_words=True)

    def drop_search_indexes(self, *, lookups_too: bool) -> None:
        """Drops the search indexes, each recorded with its definition in the
        same transaction, and turns off the triggers for this session."""
        names = [self.WORD_INDEX, self.VOCABULARY_INDEX]
        names += self.LOOKUP_INDEXES if lookups_too else []
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [names])
            for name, definition in cursor.fetchall():
                SetAsideIndex.objects.create(name=name, definition=definition)
                cursor.execute(f"DROP INDEX {name}")
        with connection.cursor() as cursor:
            cursor.execute("SET companies.bulk_load = 'on'")

    def restore_search_indexes(self, *, collect_words: bool = False) -> None:
        """Builds again the indexes set aside and collects the names' words
        they missed. Nothing to do unless a bulk load ends, or one died (or
        failed to build everything) before."""
        recorded = dict(SetAsideIndex.objects.values_list("name", "definition"))
        if not recorded and not collect_words:
            return
        word_index = recorded.pop(self.WORD_INDEX, None)
        vocabulary_index = recorded.pop(self.VOCABULARY_INDEX, None)
        # Two sequences that can run side by side: the word index (the
        # longest build), and the rest.
        self._build_side_by_side(
            [(self.WORD_INDEX, word_index)] if word_index else [],
            [(None, statement) for statement in self.COLLECT_WORDS]
            + list(recorded.items())
            + ([(self.VOCABULARY_INDEX, vocabulary_index)] if vocabulary_index else []),
        )
        with connection.cursor() as cursor:
            # Fresh statistics (also of the word index's expression) for the
            # planner, rather than waiting for autovacuum.
            cursor.execute("ANALYZE companies_legalunit, companies_company, companies_nameword")

    @staticmethod
    def _run(steps: list[tuple[str | None, str]]) -> None:
        """The statements in one transaction; for an index set aside, its
        record ends in that same transaction (and an index already there, left
        by a build that half succeeded, is not built twice)."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute("SET LOCAL work_mem = '64MB'")
            for index, statement in steps:
                if index is None:
                    cursor.execute(statement)
                    continue
                cursor.execute("SELECT to_regclass(%s) IS NULL", [index])
                if cursor.fetchone()[0]:
                    cursor.execute(statement)
                SetAsideIndex.objects.filter(name=index).delete()

    def _build_side_by_side(self, *sequences: list[tuple[str | None, str]]) -> None:
        """Each sequence in its own connection, at the same time, when the
        import is not inside a transaction; else one after the other here
        (another connection would not see the rows, and would wait for this
        transaction's locks)."""
        if connection.in_atomic_block or not connection.get_autocommit():
            for statements in sequences:
                self._run(statements)
            return
        errors: list[BaseException] = []

        def work(statements: list[tuple[str | None, str]]) -> None:
            try:
                self._run(statements)
            except BaseException as error:  # raised in the calling thread below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(statements,), name="sirene-index") for statements in sequences]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]

    def write_establishments(self, rows: list[tuple]) -> tuple[int, int]:
        """Returns (created, updated)."""
        columns = ", ".join(ESTABLISHMENT_FIELDS)
        updatable = ESTABLISHMENT_FIELDS[1:]
        # A row without a known legal unit keeps the legal name it has.
        legal_name = "COALESCE(NULLIF(EXCLUDED.legal_name, ''), c.legal_name)"
        current = ", ".join(f"c.{name}" for name in ["legal_name", *updatable])
        incoming = ", ".join([legal_name, *(f"EXCLUDED.{name}" for name in updatable)])
        assignments = ", ".join(f"{name} = EXCLUDED.{name}" for name in updatable)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS sirene_batch ("
                "siret text, siren text, brand text, address_complement text, street text, "
                "special_distribution text, postal_code text, city text, department text, "
                "country text, activity_code text, is_head_office boolean, is_open boolean"
                ") ON COMMIT DELETE ROWS"
            )
            # Inside an outer transaction (tests) ON COMMIT has not fired yet.
            cursor.execute("TRUNCATE sirene_batch")
            with cursor.copy(f"COPY sirene_batch ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            # Only column names from ESTABLISHMENT_FIELDS are inlined; values are parameters.
            cursor.execute(
                f"""
                WITH upserted AS (
                    INSERT INTO companies_company AS c
                        ({columns}, legal_name, created_at, updated_at)
                    -- The legal name through the legal units' primary key, row by
                    -- row: a join would have the planner hash the whole legal
                    -- units table for every batch.
                    SELECT b.*, COALESCE(
                        (SELECT l.name FROM companies_legalunit l WHERE l.siren = b.siren), ''
                    ), %(now)s, %(now)s
                    FROM sirene_batch b
                    ON CONFLICT (siret) DO UPDATE SET {assignments},
                        legal_name = {legal_name}, updated_at = %(now)s
                    WHERE ({current}) IS DISTINCT FROM ({incoming})
                    RETURNING (xmax = 0) AS inserted
                )
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)
                FROM upserted
                """,  # noqa: S608
                {"now": timezone.now()},
            )
            return cursor.fetchone()

    def write_legal_units(self, rows: list[tuple]) -> tuple[int, int, int]:
        """Returns (created, updated, establishments renamed)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS sirene_legal_batch (siren text, name text) ON COMMIT DELETE ROWS"
            )
            cursor.execute("TRUNCATE sirene_legal_batch")
            with cursor.copy("COPY sirene_legal_batch (siren, name) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                """
                WITH changed AS (
                    INSERT INTO companies_legalunit AS l (siren, name)
                    SELECT siren, name FROM sirene_legal_batch
                    ON CONFLICT (siren) DO UPDATE SET name = EXCLUDED.name
                    WHERE l.name IS DISTINCT FROM EXCLUDED.name
                    RETURNING siren, name, (xmax = 0) AS inserted
                ), renamed AS (
                    UPDATE companies_company c SET legal_name = changed.name, updated_at = %s
                    FROM changed
                    WHERE c.siren = changed.siren AND c.legal_name IS DISTINCT FROM changed.name
                    RETURNING 1
                )
                SELECT (SELECT count(*) FILTER (WHERE inserted) FROM changed),
                       (SELECT count(*) FILTER (WHERE NOT inserted) FROM changed),
                       (SELECT count(*) FROM renamed)
                """,
                [timezone.now()],
            )
            return cursor.fetchone()


class OrmWriter:
    """The same merge through the ORM, for SQLite (`make run`, local tests)."""

    CHUNK = 2000

    def write_establishments(self, rows: list[tuple]) -> tuple[int, int]:
        created = updated = 0
        for start in range(0, len(rows), self.CHUNK):
            chunk = {row[0]: row for row in rows[start : start + self.CHUNK]}
            existing = {c.siret: c for c in Company.objects.filter(siret__in=chunk)}
            names = dict(
                LegalUnit.objects.filter(siren__in={r[1] for r in chunk.values()}).values_list("siren", "name")
            )
            to_create, to_update = [], []
            for siret, row in chunk.items():
                values = dict(zip(ESTABLISHMENT_FIELDS, row, strict=True))
                values["legal_name"] = names.get(values["siren"], "")
                company = existing.get(siret)
                if company is None:
                    to_create.append(Company(**values))
                    continue
                values["legal_name"] = values["legal_name"] or company.legal_name
                if any(getattr(company, k) != v for k, v in values.items()):
                    for name, value in values.items():
                        setattr(company, name, value)
                    company.updated_at = timezone.now()
                    to_update.append(company)
            Company.objects.bulk_create(to_create)
            Company.objects.bulk_update(to_update, ["legal_name", *ESTABLISHMENT_FIELDS[1:], "updated_at"])
            created += len(to_create)
            updated += len(to_update)
        return created, updated

    def write_legal_units(self, rows: list[tuple]) -> tuple[int, int, int]:
        created = updated = renamed = 0
        for start in range(0, len(rows), self.CHUNK):
            names = dict(rows[start : start + self.CHUNK])
            existing = {u.siren: u for u in LegalUnit.objects.filter(siren__in=names)}
            new = [LegalUnit(siren=s, name=n) for s, n in names.items() if s not in existing]
            changed = [u for u in existing.values() if u.name != names[u.siren]]
            for unit in changed:
                unit.name = names[unit.siren]
            LegalUnit.objects.bulk_create(new)
            LegalUnit.objects.bulk_update(changed, ["name"])
            created, updated = created + len(new), updated + len(changed)
            touched = {u.siren: u.name for u in [*new, *changed]}
            companies = Company.objects.filter(siren__in=touched).only("id", "siren", "legal_name")
            to_rename = [c for c in companies if c.legal_name != touched[c.siren]]
            for company in to_rename:
                company.legal_name = touched[company.siren]
            Company.objects.bulk_update(to_rename, ["legal_name"])
            renamed += len(to_rename)
        return created, updated, renamed


def writer_for_connection():
    return PostgresWriter() if connection.vendor == "postgresql" else OrmWriter()


# --- The import ---------------------------------------------------------------


def _batches(reader, parse, summary: ImportSummary, size: int) -> Iterator[list[tuple]]:
    batch: dict[str, tuple] = {}
    for row in reader:
        summary.read += 1
        try:
            parsed = parse(row)
        except (RowError, IndexError) as error:
            summary.reject(reader.line_num, str(error))
            continue
        # A key seen twice keeps its last row: one merge cannot touch a row twice.
        batch[parsed[0]] = parsed
        if len(batch) >= size:
            yield list(batch.values())
            batch = {}
    if batch:
        yield list(batch.values())


_DONE = object()


def _read_ahead(batches: Iterator, depth: int = 2) -> Iterator:
    """Runs `batches` in a thread, at most `depth` batches ahead, so that parsing
    the next batch overlaps with the database writing this one (the database
    driver releases the GIL while it waits)."""
    buffer: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce():
        try:
            for item in batches:
                while not stop.is_set():
                    try:
                        buffer.put(item, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            buffer.put(_DONE)
        except BaseException as error:  # handed to the consumer, raised there
            buffer.put(error)

    thread = threading.Thread(target=produce, name="sirene-reader", daemon=True)
    thread.start()
    try:
        while (item := buffer.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def import_file(
    path: str,
    *,
    batch_size: int = 50_000,
    progress: Callable[[ImportSummary, float], None] | None = None,
) -> ImportSummary:
    """Imports one stock file; returns what it did. Raises ImportFormatError
    before writing anything when the file is not a SIRENE stock file."""
    kind = read_kind(path)
    summary = ImportSummary(path=path, kind=kind)
    size = os.path.getsize(path) or 1
    writer = writer_for_connection()
    started = time.monotonic()
    with open_stock_file(path) as (text, raw):
        reader = csv.reader(text)
        header = next(reader)
        parse = EstablishmentParser(header) if kind == ESTABLISHMENTS else LegalUnitParser(header)
        batches = ((batch, min(raw.tell() / size, 1.0)) for batch in _batches(reader, parse, summary, batch_size))
        for batch, fraction in _read_ahead(batches):
            with transaction.atomic():
                if kind == ESTABLISHMENTS:
                    created, updated = writer.write_establishments(batch)
                else:
                    created, updated, renamed = writer.write_legal_units(batch)
                    summary.renamed += renamed
            summary.created += created
            summary.updated += updated
            summary.unchanged += len(batch) - created - updated
            summary.seconds = time.monotonic() - started
            if progress:
                progress(summary, fraction)
    summary.seconds = time.monotonic() - started
    return summary


def import_files(paths: list[str], *, rebuild_search_index: bool | None = None, **options) -> list[ImportSummary]:
    """Checks every file first, then imports legal units before establishments.

    On PostgreSQL the search indexes are set aside during the import and
    built again after it when `rebuild_search_index` is true, by default when
    the companies table is empty (a first load). Indexes a dead load left
    aside are built again first.
    """
    kinds = {path: read_kind(path) for path in paths}
    ordered = sorted(paths, key=lambda path: KIND_ORDER[kinds[path]])
    # Two imports at once would rebuild each other's indexes and lose words.
    with job_lock("import_sirene") as taken:
        if not taken:
            raise ImportRefused("Another import of the register is running; run this one once it has ended.")
        if rebuild_search_index is None:
            rebuild_search_index = not Company.objects.exists()
        writer = writer_for_connection()
        if isinstance(writer, PostgresWriter):
            if rebuild_search_index:
                with writer.search_index_set_aside():
                    return [import_file(path, **options) for path in ordered]
            writer.restore_search_indexes()
        return [import_file(path, **options) for path in ordered]


def print_progress(summary: ImportSummary, fraction: float, stream=None) -> None:
    stream = stream or sys.stderr
    width = 30
    filled = int(fraction * width)
    bar = "█" * filled + "·" * (width - filled)
    end = "\r" if stream.isatty() and fraction < 1 else "\n"
    stream.write(
        f"  [{bar}] {fraction:4.0%}  {summary.read:>12,} rows  {summary.rows_per_second:>9,.0f} rows/s{end}".replace(
            ",", " "
        )
    )
    stream.flush()
