import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from reports.categories import CATEGORIES_FILE, CategoryFileError, load_categories, read_tree
from reports.models import Category, CompanyKind, DetailQuestion, Tag

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "categories.yaml"
    path.write_text(text, encoding="utf-8")
    return path


SMALL = """
tags:
  - {slug: hygiene, label: {fr: Hygiène, en: Hygiene}}
categories:
  - slug: restaurant
    title: {fr: Un restaurant, en: A restaurant}
    company: siret
    tags: [hygiene]
    questions:
      - {slug: date-visite, kind: past_date, label: {fr: Date, en: Date}}
    children:
      - slug: restaurant-prix
        title: {fr: Les prix, en: Prices}
      - slug: restaurant-discrimination
        title: {fr: Discrimination, en: Discrimination}
        info:
          title: {fr: Défenseur des droits, en: Ombudsman}
          text: {fr: Adressez-vous ailleurs., en: Go elsewhere.}
          links:
            - {label: {fr: Défenseur, en: Ombudsman}, url: "https://www.defenseurdesdroits.fr"}
"""


def test_the_shipped_tree_is_complete_enough():
    tags, nodes = read_tree()
    roots = [n for n in nodes if n["parent"] is None]
    leaves = [n for n in nodes if n["is_leaf"]]
    info_pages = [n for n in nodes if n["info_text_fr"]]
    assert len(roots) >= 15
    assert len(leaves) >= 100
    assert len(info_pages) >= 20
    assert all(n["title_en"] for n in nodes), "every node has an English title"
    assert all(n["info_links"] for n in info_pages), "every information page says where to go"
    # A report can only be made under a leaf that names a kind of company to identify.
    reportable = [n for n in leaves if not n["info_text_fr"]]
    assert {n["company_kind"] for n in reportable} <= set(CompanyKind.values)
    kinds = {n["company_kind"] for n in reportable}
    assert {"siret", "website", "phone", "place"} <= kinds
    assert any(n["allow_question_only"] for n in reportable)
    assert any(t["hidden_from_company"] for t in tags)


def test_loading_twice_changes_nothing_the_second_time():
    first = load_categories()
    assert first.created == Category.objects.count() and first.updated == 0
    second = load_categories()
    assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)


def _tree_rows():
    return (
        list(Category.objects.order_by("pk").values()),
        list(Tag.objects.order_by("pk").values()),
        list(DetailQuestion.objects.order_by("pk").values()),
        list(Category.tags.through.objects.order_by("pk").values()),
    )


def test_the_command_run_at_every_start_of_the_migrate_service_rewrites_nothing():
    # docker-compose.yml's migrate service runs it on every `up`.
    call_command("load_categories", stdout=io.StringIO())
    first = _tree_rows()
    assert first[0] and first[1] and first[2]
    out = io.StringIO()
    call_command("load_categories", stdout=out)
    assert _tree_rows() == first  # same rows, same ids: nothing deleted and made again
    assert "created 0, updated 0" in out.getvalue()


def test_the_command_says_what_it_did():
    out = io.StringIO()
    call_command("load_categories", stdout=out)
    assert "Categories: created" in out.getvalue()
    assert "information pages" in out.getvalue()


def test_nodes_inherit_the_company_kind_and_carry_questions_and_pages(tmp_path):
    load_categories(write(tmp_path, SMALL))
    prices = Category.objects.get(slug="restaurant-prix")
    assert prices.company_kind == CompanyKind.SIRET
    assert [c.slug for c in prices.path()] == ["restaurant", "restaurant-prix"]
    assert list(prices.parent.tags.values_list("slug", flat=True)) == ["hygiene"]
    assert prices.parent.questions.get().kind == "past_date"
    page = Category.objects.get(slug="restaurant-discrimination")
    assert page.stops_the_report and not prices.stops_the_report
    assert page.info_links == [
        {
            "label_fr": "Défenseur",
            "label_en": "Ombudsman",
            "url": "https://www.defenseurdesdroits.fr",
        }
    ]
    with translation.override("en"):
        assert prices.title == "Prices" and page.info_title == "Ombudsman"
    with translation.override("fr"):
        assert prices.title == "Les prix"


def test_a_node_removed_from_the_file_is_deactivated_not_deleted(tmp_path):
    load_categories(write(tmp_path, SMALL))
    shorter = SMALL.replace("      - slug: restaurant-prix\n        title: {fr: Les prix, en: Prices}\n", "")
    summary = load_categories(write(tmp_path, shorter))
    assert summary.deactivated == 1
    assert not Category.objects.get(slug="restaurant-prix").is_active
    # Back in the file, back in service (and its sibling moves back to its place).
    assert load_categories(write(tmp_path, SMALL)).updated == 2
    assert Category.objects.get(slug="restaurant-prix").is_active


def test_a_changed_text_or_question_updates_the_node(tmp_path):
    load_categories(write(tmp_path, SMALL))
    changed = SMALL.replace("{fr: Date, en: Date}", "{fr: Date de la visite, en: Date of visit}")
    assert load_categories(write(tmp_path, changed)).updated == 1
    assert DetailQuestion.objects.get().label_fr == "Date de la visite"


def test_a_category_edited_in_the_admin_is_left_alone_by_the_file(client, admin_user, tmp_path):
    load_categories(write(tmp_path, SMALL))
    category = Category.objects.get(slug="restaurant-prix")
    client.force_login(admin_user)
    url = reverse("admin:reports_category_change", args=[category.pk])
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update(
        {
            "title_fr": "Les prix affichés",
            "tags": [],
            "is_active": "on",
            "info_links": "[]",
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
        }
    )
    data.pop("allow_question_only")
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.errors for f in response.context["inline_admin_formsets"][0].formset],
    )
    category.refresh_from_db()
    assert category.title_fr == "Les prix affichés" and not category.managed_by_file
    summary = load_categories(write(tmp_path, SMALL))
    assert summary.kept == 1
    category.refresh_from_db()
    assert category.title_fr == "Les prix affichés"

    # Handed back to the file, it takes the file's text again.
    call_command(
        "load_categories",
        "--file",
        str(tmp_path / "categories.yaml"),
        "--take-back",
        "restaurant-prix",
        stdout=io.StringIO(),
    )
    category.refresh_from_db()
    assert category.title_fr == "Les prix" and category.managed_by_file


def test_a_new_category_added_in_the_admin_survives_a_reload(client, admin_user, tmp_path):
    load_categories(write(tmp_path, SMALL))
    Category.objects.create(slug="crise-sanitaire", title_fr="Une crise sanitaire")
    load_categories(write(tmp_path, SMALL))
    assert Category.objects.get(slug="crise-sanitaire").is_active


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("slug: restaurant-prix", "slug: restaurant"), "used twice"),
        (("company: siret", "company: bateau"), "company 'bateau'"),
        (("tags: [hygiene]", "tags: [inconnu]"), "unknown tags"),
        (("kind: past_date", "kind: couleur"), "kind 'couleur'"),
        (
            ("title: {fr: Les prix, en: Prices}", "title: {fr: Les prix, affichés, en: Prices}"),
            "quote texts with commas",
        ),
        (("title: {fr: Les prix, en: Prices}", "titre: {fr: Les prix}"), "unknown keys"),
        (('url: "https://www.defenseurdesdroits.fr"', 'url: "http://x.fr"'), "https:// url"),
    ],
)
def test_a_faulty_file_is_refused_with_the_place_of_the_fault(tmp_path, change, message):
    with pytest.raises(CategoryFileError, match=message):
        load_categories(write(tmp_path, SMALL.replace(*change)))
    assert not Category.objects.exists()


def test_the_command_reports_a_faulty_file(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("load_categories", "--file", str(tmp_path / "absent.yaml"))


def test_tags_hidden_from_companies_are_loaded():
    load_categories(CATEGORIES_FILE)
    assert Tag.objects.filter(hidden_from_company=True).exists()


def test_questions_and_tags_on_a_path_come_from_every_level_root_first(tmp_path):
    load_categories(write(tmp_path, SMALL))
    prices = Category.objects.get(slug="restaurant-prix")
    DetailQuestion.objects.create(category=prices, slug="prix", kind="text", label_fr="Prix")
    assert [q.slug for q in prices.questions_on_path()] == ["date-visite", "prix"]
    assert [t.slug for t in prices.tags_on_path()] == ["hygiene"]
