"""Loading the category tree from reports/data/categories.yaml (see the
comment at the top of that file for its format).

Loading is idempotent: nodes are matched by slug, created or updated, and the
nodes of the file that disappeared from it are deactivated (reports keep
pointing at them). A node edited in the admin no longer follows the file.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.text import slugify

from reports.models import Category, CompanyKind, DetailQuestion, QuestionKind, Tag

CATEGORIES_FILE = Path(__file__).resolve().parent / "data" / "categories.yaml"

NODE_KEYS = {
    "slug",
    "title",
    "description",
    "company",
    "tags",
    "question_only",
    "questions",
    "info",
    "children",
}
QUESTION_KEYS = {"slug", "kind", "label", "help", "required", "choices"}
CHOICE_KINDS = {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE}


class CategoryFileError(ValueError):
    """The file does not describe a valid tree; nothing was loaded."""


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    kept: int = 0  # edited in the admin, left alone
    leaves: int = 0
    info_pages: int = 0


def _texts(value, where: str, *, required: bool = True) -> tuple[str, str]:
    """A {fr, en} pair; French is required, English falls back to nothing."""
    if value is None and not required:
        return "", ""
    # A stray comma in an unquoted flow mapping makes extra keys: refuse them.
    if not isinstance(value, dict) or set(value) - {"fr", "en"} or not str(value.get("fr") or "").strip():
        raise CategoryFileError(f"{where}: expected {{fr: …, en: …}} with a French text (quote texts with commas)")
    return str(value["fr"]).strip(), str(value.get("en") or "").strip()


def _question(raw: dict, where: str) -> dict:
    unknown = set(raw) - QUESTION_KEYS
    if unknown:
        raise CategoryFileError(f"{where}: unknown keys {sorted(unknown)}")
    slug = raw.get("slug") or ""
    if slug != slugify(slug) or not slug:
        raise CategoryFileError(f"{where}: the slug {slug!r} is not a slug")
    if raw.get("kind") not in QuestionKind.values:
        raise CategoryFileError(f"{where}: kind {raw.get('kind')!r} is not one of {', '.join(QuestionKind.values)}")
    label_fr, label_en = _texts(raw.get("label"), f"{where}.label")
    help_fr, help_en = _texts(raw.get("help"), f"{where}.help", required=False)
    choices = []
    for index, choice in enumerate(raw.get("choices") or []):
        choice_fr, choice_en = _texts(choice.get("label"), f"{where}.choices[{index}].label")
        choices.append({"value": str(choice["value"]), "label_fr": choice_fr, "label_en": choice_en})
    if (raw["kind"] in CHOICE_KINDS) != bool(choices):
        raise CategoryFileError(f"{where}: choices go with, and only with, choice questions")
    return {
        "slug": slug,
        "kind": raw["kind"],
        "label_fr": label_fr,
        "label_en": label_en,
        "help_fr": help_fr,
        "help_en": help_en,
        "required": bool(raw.get("required", True)),
        "choices": choices,
    }


def read_tree(path: Path = CATEGORIES_FILE) -> tuple[list[dict], list[dict]]:
    """(tags, nodes) from the file, nodes parents first, all checked."""
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CategoryFileError(f"{path}: cannot be read ({error})") from error
    if not isinstance(document, dict) or not isinstance(document.get("categories"), list):
        raise CategoryFileError(f"{path}: expected the keys 'tags' and 'categories'")

    tags = []
    for raw in document.get("tags") or []:
        label_fr, label_en = _texts(raw.get("label"), f"tag {raw.get('slug')}")
        tags.append(
            {
                "slug": raw["slug"],
                "label_fr": label_fr,
                "label_en": label_en,
                "hidden_from_company": bool(raw.get("hidden_from_company", False)),
            }
        )
    known_tags = {tag["slug"] for tag in tags}

    nodes: list[dict] = []
    seen: set[str] = set()

    def visit(raw: dict, parent: dict | None, position: int) -> None:
        where = f"{parent['slug'] + ' > ' if parent else ''}{raw.get('slug')}"
        unknown = set(raw) - NODE_KEYS
        if unknown:
            raise CategoryFileError(f"{where}: unknown keys {sorted(unknown)}")
        slug = raw.get("slug") or ""
        if not slug or slug != slugify(slug):
            raise CategoryFileError(f"{where}: the slug {slug!r} is not a slug")
        if slug in seen:
            raise CategoryFileError(f"{where}: the slug {slug!r} is used twice")
        seen.add(slug)
        company = raw.get("company") or (parent["company_kind"] if parent else CompanyKind.NONE)
        if company not in CompanyKind.values:
            raise CategoryFileError(f"{where}: company {company!r} is not one of {CompanyKind.values}")
        node_tags = raw.get("tags") or []
        if set(node_tags) - known_tags:
            raise CategoryFileError(f"{where}: unknown tags {sorted(set(node_tags) - known_tags)}")
        title_fr, title_en = _texts(raw.get("title"), f"{where}.title")
        description_fr, description_en = _texts(raw.get("description"), f"{where}.description", required=False)
        info = raw.get("info")
        children = raw.get("children") or []
        if info and children:
            raise CategoryFileError(f"{where}: an information page stops the report: no children")
        info_title = info_text = ("", "")
        links = []
        if info:
            info_title = _texts(info.get("title"), f"{where}.info.title")
            info_text = _texts(info.get("text"), f"{where}.info.text")
            for index, link in enumerate(info.get("links") or []):
                label_fr, label_en = _texts(link.get("label"), f"{where}.info.links[{index}]")
                if not str(link.get("url", "")).startswith("https://"):
                    raise CategoryFileError(f"{where}.info.links[{index}]: an https:// url")
                links.append({"label_fr": label_fr, "label_en": label_en, "url": link["url"]})
        questions = [_question(q, f"{where}.questions[{i}]") for i, q in enumerate(raw.get("questions") or [])]
        node = {
            "slug": slug,
            "parent": parent["slug"] if parent else None,
            "position": position,
            "title_fr": title_fr,
            "title_en": title_en,
            "description_fr": description_fr,
            "description_en": description_en,
            "company_kind": company,
            "allow_question_only": bool(raw.get("question_only", False)),
            "info_title_fr": info_title[0],
            "info_title_en": info_title[1],
            "info_text_fr": info_text[0],
            "info_text_en": info_text[1],
            "info_links": links,
            "tags": sorted(node_tags),
            "questions": questions,
            "is_leaf": not children,
        }
        nodes.append(node)
        for index, child in enumerate(children):
            visit(child, node, index)

    for index, root in enumerate(document["categories"]):
        visit(root, None, index)
    return tags, nodes


FIELDS = [
    "position",
    "title_fr",
    "title_en",
    "description_fr",
    "description_en",
    "company_kind",
    "allow_question_only",
    "info_title_fr",
    "info_title_en",
    "info_text_fr",
    "info_text_en",
    "info_links",
]
QUESTION_FIELDS = ["kind", "label_fr", "label_en", "help_fr", "help_en", "required", "choices"]


def _questions_of(category: Category) -> list[dict]:
    return [
        {"slug": q.slug, **{f: getattr(q, f) for f in QUESTION_FIELDS}}
        for q in category.questions.order_by("position", "id")
    ]


@transaction.atomic
def load_categories(path: Path = CATEGORIES_FILE, *, take_back: list[str] = ()) -> LoadSummary:
    """Loads the file; `take_back` names admin-edited nodes the file manages again."""
    tags, nodes = read_tree(path)
    Category.objects.filter(slug__in=take_back).update(managed_by_file=True)
    summary = LoadSummary(
        leaves=sum(1 for n in nodes if n["is_leaf"]),
        info_pages=sum(1 for n in nodes if n["info_text_fr"]),
    )
    for tag in tags:
        Tag.objects.update_or_create(slug=tag["slug"], defaults=tag)
    tag_ids = dict(Tag.objects.values_list("slug", "id"))

    by_slug = {c.slug: c for c in Category.objects.select_related("parent")}
    for node in nodes:
        category = by_slug.get(node["slug"])
        if category is not None and not category.managed_by_file:
            summary.kept += 1
            continue
        parent = by_slug[node["parent"]] if node["parent"] else None
        if category is None:
            category = Category(slug=node["slug"], managed_by_file=True)
            changed, created = True, True
        else:
            created = False
            changed = (
                any(getattr(category, f) != node[f] for f in FIELDS)
                or category.parent_id != (parent.pk if parent else None)
                or not category.is_active
                or sorted(category.tags.values_list("slug", flat=True)) != node["tags"]
                or _questions_of(category) != node["questions"]
            )
        if not changed:
            summary.unchanged += 1
            continue
        for field in FIELDS:
            setattr(category, field, node[field])
        category.parent = parent
        category.is_active = True
        category.save()
        category.tags.set([tag_ids[slug] for slug in node["tags"]])
        category.questions.all().delete()
        DetailQuestion.objects.bulk_create(
            DetailQuestion(category=category, position=index, **question)
            for index, question in enumerate(node["questions"])
        )
        by_slug[node["slug"]] = category
        if created:
            summary.created += 1
        else:
            summary.updated += 1

    in_file = {node["slug"] for node in nodes}
    summary.deactivated = (
        Category.objects.filter(managed_by_file=True, is_active=True).exclude(slug__in=in_file).update(is_active=False)
    )
    return summary
