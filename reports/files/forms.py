"""The attachments' field, shared by the wizard, the companies' answer and the
agents' comments: any number of files, each checked on its own."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from reports.files.checks import ACCEPTED_EXTENSIONS, accepted_formats


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files, each checked by services.attachments_add, which
    keeps the good ones when another is refused."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [upload for upload in files if upload]


def _files_help() -> str:
    return _(
        "Photos, ticket de caisse, contrat, courrier… Formats acceptés : %(formats)s. "
        "%(size)s au plus par fichier, %(count)s fichiers au plus."
    ) % {
        "formats": accepted_formats(),
        "size": filesizeformat(settings.ATTACHMENT_MAX_SIZE),
        "count": settings.ATTACHMENT_MAX_COUNT,
    }


class AttachmentsForm(forms.Form):
    files = MultipleFileField(
        label=_("Pièces jointes"),
        required=False,
        help_text=lazy(_files_help, str)(),
        widget=MultipleFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )
