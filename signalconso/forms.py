"""How every form of the site is drawn: the State design system's markup, with
each error tied to its field for screen readers.

Set as FORM_RENDERER, so `{{ form }}` and `{{ form.field.as_field_group }}`
render through templates/includes/form.html and field.html.
"""

import re

from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

_ID = re.compile(r"[0-9]{1,18}")  # within a 64-bit primary key

# Widgets whose input carries the design system's text-input style.
_SELECT_WIDGETS = (forms.Select, forms.SelectMultiple)
_UNSTYLED_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


class AccessibleBoundField(forms.BoundField):
    """Describes each input by its hint and, when there is one, its error."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        # A group of radios or checkboxes is described as a whole, on its
        # fieldset (see includes/field.html), not input by input.
        if self.described_by and not self.use_fieldset and not widget.attrs.get("aria-describedby"):
            attrs["aria-describedby"] = self.described_by
        if isinstance(widget, forms.FileInput):
            attrs["class"] = f"fr-upload {attrs.get('class', '')}".strip()
        elif not isinstance(widget, _UNSTYLED_WIDGETS):
            css_class = "fr-select" if isinstance(widget, _SELECT_WIDGETS) else "fr-input"
            if self.errors:
                css_class += f" {css_class}--error"
            attrs["class"] = f"{css_class} {attrs.get('class', '')}".strip()
        return attrs

    @property
    def marked_optional(self) -> bool:
        """Whether its label says "(facultatif)". Not for a box to tick, nor for
        a field one of a group of which must be filled (`one_of_group`)."""
        return not (
            self.field.required or self.widget_type == "checkbox" or getattr(self.field, "one_of_group", False)
        )

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def described_by(self) -> str:
        if not self.auto_id:
            return ""
        ids = []
        if self.help_text:
            ids.append(f"{self.auto_id}_helptext")
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)


class SiteFormRenderer(TemplatesSetting):
    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"
    bound_field_class = AccessibleBoundField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def posted(request):
    """The submitted data of a POST, even empty, so that an empty form is refused; None otherwise."""
    return request.POST if request.method == "POST" else None


def ids_from(values: list[str]) -> set[int]:
    """The primary keys among checkboxes' values posted by anybody: what is not
    one (a letter, "²", a number beyond a database's integers) is left out."""
    return {int(value) for value in values if _ID.fullmatch(value)}


class LongSelect(forms.Select):
    """A select of many options (the 150 categories of the agents' search)
    written in Python: the same HTML as Django's Select, without rendering a
    template per option, which cost most of the search page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>', option["value"], flatatt(option["attrs"]), option["label"]
                )
                for option in options
            )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html
