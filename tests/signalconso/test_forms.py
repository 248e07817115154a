from signalconso.forms import ids_from


def test_ids_from_keeps_only_primary_keys():
    # A letter, a superscript, a negative, a number beyond 64 bits: none reaches a query.
    assert ids_from(["1", "42", "abc", "²", "", "-3", "9" * 19, "9" * 18]) == {1, 42, int("9" * 18)}


def _tree(html: str) -> list:
    """Tags, attributes (in any order) and text: what a browser reads."""
    from html.parser import HTMLParser

    items = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            items.append((tag, sorted(attrs, key=str)))

        def handle_endtag(self, tag):
            items.append(("/" + tag,))

        def handle_data(self, data):
            if data.strip():
                items.append(data.strip())

    Reader().feed(html)
    return items


def test_a_long_select_writes_what_djangos_select_writes():
    from django import forms as django_forms

    from signalconso.forms import LongSelect

    choices = [("", "Toutes"), ("prix", "Prix <affiché>"), ("a&b", "« A » & B"), ("Groupe", [("x", "X")])]
    attrs = {"id": "id_categorie", "aria-describedby": "aide"}
    for value in ("", "a&b", "x", "inconnu"):
        ours = LongSelect(choices=choices).render("categorie", value, attrs)
        django = django_forms.Select(choices=choices).render("categorie", value, attrs)
        assert _tree(ours) == _tree(django), value
    assert "&lt;affiché&gt;" in ours and "&amp;" in ours
