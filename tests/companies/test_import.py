import csv
import gzip
import io
import shutil
import zipfile
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from companies import sirene
from companies.models import Company, LegalUnit, NameWord, SetAsideIndex
from companies.selectors import search_companies
from companies.sirene import PostgresWriter, import_file
from signalconso import locks

from .factories import CompanyFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "companies" / "data"
ESTABLISHMENTS = DATA / "sirene_sample_establishments.csv"
LEGAL_UNITS = DATA / "sirene_sample_legal_units.csv"


def run(*paths) -> str:
    out = io.StringIO()
    call_command("import_sirene", *map(str, paths), "--no-progress", stdout=out)
    return out.getvalue()


def rewrite(source: Path, target: Path, change) -> Path:
    """Copies a stock file, passing each data row (as a dict) through `change`."""
    with open(source, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    with open(target, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow(change(row) or row)
    return target


def test_sample_import_gives_the_expected_counts_twice_in_a_row():
    first = run(ESTABLISHMENTS, LEGAL_UNITS)
    # Legal units go first, so establishments arrive with their names.
    assert first.index("legal units") < first.index("(establishments)")
    assert "read 14, created 14, updated 0, unchanged 0, establishments renamed 0, rejected 0" in first
    assert "read 22, created 22, updated 0, unchanged 0, rejected 0" in first
    assert Company.objects.count() == 22
    assert LegalUnit.objects.count() == 14

    second = run(ESTABLISHMENTS, LEGAL_UNITS)
    assert "read 14, created 0, updated 0, unchanged 14, establishments renamed 0, rejected 0" in second
    assert "read 22, created 0, updated 0, unchanged 22, rejected 0" in second
    assert Company.objects.count() == 22


def test_legal_units_imported_later_rename_the_establishments():
    run(ESTABLISHMENTS)
    assert Company.objects.get(brand="AU BON PAIN", is_open=True).legal_name == ""
    # 21 establishments belong to the 14 legal units listed; the individual who
    # does not publish their name keeps an empty one.
    assert "establishments renamed 20" in run(LEGAL_UNITS)
    assert Company.objects.get(brand="AU BON PAIN", is_open=True).legal_name == ("BOULANGERIE PATISSERIE DUPONT")


def test_a_changed_legal_name_renames_every_establishment(tmp_path):
    run(ESTABLISHMENTS, LEGAL_UNITS)
    renamed = rewrite(
        LEGAL_UNITS,
        tmp_path / "StockUniteLegale.csv",
        lambda row: (
            {**row, "denominationUniteLegale": "HYPER DU SUD"}
            if row["denominationUniteLegale"] == "HYPERMARCHES DU SUD"
            else None
        ),
    )
    assert "created 0, updated 1, unchanged 13, establishments renamed 4" in run(renamed)
    assert Company.objects.filter(legal_name="HYPER DU SUD").count() == 4


def test_rows_are_read_as_the_register_publishes_them():
    run(ESTABLISHMENTS, LEGAL_UNITS)
    bakery = Company.objects.get(brand="AU BON PAIN", is_head_office=True)
    assert bakery.street == "12 RUE DE LA ROQUETTE"
    assert (bakery.postal_code, bakery.city, bakery.department) == ("75011", "PARIS", "75")
    assert bakery.activity_code == "10.71C" and bakery.is_open
    branch = Company.objects.get(brand="AU BON PAIN", is_head_office=False)
    assert branch.street == "3 BIS AVENUE DAUMESNIL"
    assert not branch.is_open
    assert branch.head_office() == bakery
    assert list(bakery.establishments()) == [bakery, branch]

    departments = dict(Company.objects.values_list("city", "department"))
    assert departments["AJACCIO"] == "2A"
    assert departments["BASTIA"] == "2B"
    assert departments["BASSE-TERRE"] == "971"
    assert departments["SAINT-DENIS"] == "974"
    assert departments["SAINT-BARTHELEMY"] == "977"

    abroad = Company.objects.get(legal_name="ELECTRO IMPORT GMBH")
    assert (abroad.country, abroad.city, abroad.department) == ("ALLEMAGNE", "BERLIN", "")

    telecom = Company.objects.get(legal_name="TELECOM EXPRESS")
    assert telecom.address_lines == [
        "TOUR HORIZON",
        "40 ROUTE DU POINT DU JOUR",
        "CS 70001",
        "92773 BOULOGNE-BILLANCOURT CEDEX",
    ]
    # Personal data INSEE does not publish stays out.
    hidden = Company.objects.get(city="RENNES", activity_code="96.02A")
    assert hidden.street == "" and hidden.legal_name == ""
    plumber = Company.objects.get(brand="PLOMBERIE LEFEVRE")
    assert plumber.legal_name == "JEAN-PIERRE LEFEVRE"

    assert Company.objects.get(legal_name="COMMUNE DE NANTES").is_public_administration
    assert not Company.objects.get(activity_code="84.30B").is_public_administration
    assert Company.objects.filter(siren="356000000").count() == 2
    assert Company.objects.get(brand="FRITERIE DU NORD").legal_name == ""


def test_a_reimport_updates_changed_rows_and_closes_establishments(tmp_path):
    run(ESTABLISHMENTS)
    changed = rewrite(
        ESTABLISHMENTS,
        tmp_path / "StockEtablissement.csv",
        lambda row: (
            {**row, "etatAdministratifEtablissement": "F"}
            if row["libelleCommuneEtablissement"] == "TOULON"
            else {**row, "enseigne1Etablissement": "AU BON PAIN ET CIE"}
            if row["enseigne1Etablissement"] == "AU BON PAIN"
            else None
        ),
    )
    out = run(changed)
    assert "read 22, created 0, updated 3, unchanged 19, rejected 0" in out
    assert not Company.objects.get(city="TOULON").is_open
    assert Company.objects.filter(brand="AU BON PAIN ET CIE").count() == 2


def test_a_new_establishment_of_a_known_legal_unit_takes_its_name(tmp_path):
    run(LEGAL_UNITS)
    run(ESTABLISHMENTS)
    bakery = Company.objects.get(brand="AU BON PAIN", is_head_office=True)
    source = rewrite(ESTABLISHMENTS, tmp_path / "e.csv", lambda row: None)
    with open(source, "a", newline="", encoding="utf-8") as file:
        with open(ESTABLISHMENTS, newline="", encoding="utf-8") as original:
            first_row = list(csv.reader(original))[1]
        nic = "00039"
        first_row[1], first_row[2] = nic, bakery.siren + nic
        first_row[18] = "75010"
        csv.writer(file).writerow(first_row)
    assert "created 1" in run(source)
    assert Company.objects.get(siret=bakery.siren + nic).legal_name == bakery.legal_name


@pytest.mark.parametrize("compression", ["gz", "zip"])
def test_compressed_files_are_read(tmp_path, compression):
    if compression == "gz":
        path = tmp_path / "StockEtablissement_utf8.csv.gz"
        with open(ESTABLISHMENTS, "rb") as source, gzip.open(path, "wb") as target:
            shutil.copyfileobj(source, target)
    else:
        path = tmp_path / "StockEtablissement_utf8.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(ESTABLISHMENTS, "StockEtablissement_utf8.csv")
    assert "read 22, created 22" in run(path)


def test_malformed_rows_are_reported_with_their_line_and_skipped(tmp_path):
    path = tmp_path / "broken.csv"
    lines = ESTABLISHMENTS.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(lines[2].split(",")[2], "1234", 1)  # SIRET too short
    lines[4] = "only,three,columns"
    lines[6] = lines[6].replace(",A,", ",X,", 1)  # unknown administrative state
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run(path)
    assert "read 22, created 19, updated 0, unchanged 0, rejected 3" in out
    assert "line 3: SIRET '1234' is not 14 digits" in out
    assert "line 5: 3 columns instead of 53" in out
    assert "line 7: etatAdministratifEtablissement is 'X', not A or F" in out


def test_a_file_with_the_wrong_columns_is_refused_before_anything_is_written(tmp_path):
    wrong = tmp_path / "clients.csv"
    wrong.write_text("nom,adresse,ville\nDupont,1 rue X,Paris\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not a SIRENE stock file.*starts with: nom, adresse"):
        run(ESTABLISHMENTS, wrong)
    assert not Company.objects.exists()

    missing = tmp_path / "partial.csv"
    missing.write_text("siren,siret,etablissementSiege\n", encoding="utf-8")
    with pytest.raises(CommandError, match="lacks the columns: etatAdministratifEtablissement"):
        run(missing)


def test_an_unreadable_file_is_refused_with_its_cause(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        run(tmp_path / "absent.csv")
    fake = tmp_path / "fake.csv.gz"
    fake.write_text("not gzip at all")
    with pytest.raises(CommandError, match="cannot be read"):
        run(fake)


def test_batches_smaller_than_the_file_give_the_same_result_and_report_progress():
    reports = []
    summary = import_file(str(ESTABLISHMENTS), batch_size=5, progress=lambda s, fraction: reports.append(fraction))
    assert (summary.read, summary.created, summary.rejected) == (22, 22, 0)
    assert len(reports) == 5
    assert reports == sorted(reports) and reports[-1] == 1.0


def test_the_command_prints_a_progress_bar(capsys):
    call_command("import_sirene", str(ESTABLISHMENTS), stdout=io.StringIO())
    assert "100%" in capsys.readouterr().err


SET_ASIDE = (
    PostgresWriter.WORD_INDEX,
    PostgresWriter.VOCABULARY_INDEX,
    *PostgresWriter.LOOKUP_INDEXES,
)


def search_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('companies_company', 'companies_nameword')"
        )
        return {name for (name,) in cursor.fetchall()}


def assert_ready_to_search(indexes_before: set[str]) -> None:
    """The indexes set aside are back, the words of the names are collected,
    and the triggers collect those of names written from now on."""
    assert set(SET_ASIDE) <= indexes_before
    assert search_indexes() == indexes_before
    words = set(NameWord.objects.values_list("word", flat=True))
    assert {"boulangerie", "patisserie", "dupont", "hypermarches"} <= words
    found = search_companies(query="boulangrie dupont")
    assert found and {c.legal_name for c in found} == {"BOULANGERIE PATISSERIE DUPONT"}
    CompanyFactory(legal_name="FOURNIL NOUVEAU")
    assert NameWord.objects.filter(word="fournil").exists()


def test_a_first_load_sets_the_search_indexes_aside_then_builds_them(postgresql):
    # Inside the test's transaction: the indexes are built one after the other.
    before = search_indexes()
    run(ESTABLISHMENTS, LEGAL_UNITS)
    assert_ready_to_search(before)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_indexes_are_built_side_by_side(postgresql, monkeypatch):
    threads = []
    start = sirene.threading.Thread.start
    monkeypatch.setattr(sirene.threading.Thread, "start", lambda self: threads.append(self.name) or start(self))
    before = search_indexes()
    run(ESTABLISHMENTS, LEGAL_UNITS)
    assert threads.count("sirene-index") == 2
    assert_ready_to_search(before)


def test_a_failed_first_load_still_builds_the_indexes_again(postgresql, monkeypatch):
    before = search_indexes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PostgresWriter, "write_establishments", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        sirene.import_files([str(ESTABLISHMENTS), str(LEGAL_UNITS)])
    assert search_indexes() == before
    CompanyFactory(legal_name="FOURNIL NOUVEAU")
    assert NameWord.objects.filter(word="fournil").exists()


def test_indexes_a_dead_load_left_aside_are_built_by_the_next_import(postgresql):
    before = search_indexes()
    # A first load that dies once its indexes are dropped (its connection,
    # and the session setting that turned the triggers off, die with it).
    PostgresWriter().drop_search_indexes(lookups_too=True)
    with connection.cursor() as cursor:
        cursor.execute("RESET companies.bulk_load")
    assert not search_indexes() & set(SET_ASIDE)
    assert SetAsideIndex.objects.count() == len(SET_ASIDE)

    out = run(ESTABLISHMENTS, LEGAL_UNITS, "--no-rebuild-search-index")
    assert "created 22" in out
    assert search_indexes() == before
    assert not SetAsideIndex.objects.exists()
    assert NameWord.objects.filter(word="boulangerie").exists()


def test_an_index_a_half_finished_rebuild_left_is_not_built_twice(postgresql):
    # The word index was built but its record survived (the other connection failed).
    run(ESTABLISHMENTS, LEGAL_UNITS)
    before = search_indexes()
    SetAsideIndex.objects.create(
        name=PostgresWriter.WORD_INDEX, definition="CREATE INDEX companies_company_name_words …"
    )
    out = run(ESTABLISHMENTS, LEGAL_UNITS)
    assert "unchanged 22" in out
    assert search_indexes() == before
    assert not SetAsideIndex.objects.exists()


def test_a_forced_rebuild_on_a_filled_table_keeps_the_lookup_indexes(postgresql, monkeypatch):
    run(ESTABLISHMENTS, LEGAL_UNITS)
    during = []
    real_import_file = sirene.import_file

    def watched(path, **options):
        during.append(search_indexes())
        return real_import_file(path, **options)

    monkeypatch.setattr(sirene, "import_file", watched)
    run(ESTABLISHMENTS, LEGAL_UNITS, "--rebuild-search-index")
    assert during and all(set(PostgresWriter.LOOKUP_INDEXES) <= found for found in during)
    assert all(PostgresWriter.WORD_INDEX not in found for found in during)
    assert PostgresWriter.WORD_INDEX in search_indexes()


def test_a_second_import_at_the_same_time_is_refused(postgresql):
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"],
        dbname=settings["NAME"],
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [locks._key("import_sirene")])
        with pytest.raises(CommandError, match="Another import of the register is running"):
            run(ESTABLISHMENTS)
        assert not Company.objects.exists()
    finally:
        # Released at once: closing the connection frees the lock only when
        # the server has ended that session, which may come after the next line.
        other.execute("SELECT pg_advisory_unlock_all()")
        other.close()
    run(ESTABLISHMENTS)
    assert Company.objects.count() == 22
