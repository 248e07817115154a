"""Downloading a stored file: always as an attachment under a clean name,
never shown in the site's origin; a report's file only to a reader of the
report, and only once scanned clean."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe
from storages.backends.s3 import S3Storage

from reports.models import Attachment


def attachments_context(attachments: list, *, counted: int) -> dict:
    """What templates/reports/includes/attachments.html needs besides its field."""
    return {
        "attachments": attachments,
        "remaining": max(settings.ATTACHMENT_MAX_COUNT - counted, 0),
        "max_size": settings.ATTACHMENT_MAX_SIZE,
    }


@login_required
@require_safe
def attachment_download(request: HttpRequest, uid) -> HttpResponse:
    """A report's file, for a user allowed to read the report: anybody else,
    or a file not yet scanned clean, gets a 404."""
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), uid=uid)
    return attachment_response(attachment)


def attachment_response(attachment: Attachment) -> HttpResponse:
    return stored_file_response(attachment.file, attachment.name, attachment.content_type)


def stored_file_response(file, name: str, content_type: str) -> HttpResponse:
    """Always a download (never shown in the site's origin), under a clean
    name. From S3, a redirect to a link that lives a minute."""
    disposition = content_disposition_header(as_attachment=True, filename=name)
    storage = file.storage
    if isinstance(storage, S3Storage):
        url = storage.url(
            file.name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
            },
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(file.open("rb"), content_type=content_type)
        response["Content-Disposition"] = disposition
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
