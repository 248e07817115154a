"""An upload handler that keeps no more of a file than the size it may have.

Django reads a request's files as they arrive; without this, a file of any
size would be kept in full (in memory or a temporary file) before the 5 MiB
check could refuse it. Past ATTACHMENT_MAX_SIZE, this handler drops the rest
of the file as it comes and hands on a placeholder that only knows its name
and how much was sent: checks.prepare then refuses it with its usual message.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class TooLargeUpload(UploadedFile):
    """What is left of a file that was too large: its name and its size."""

    def __init__(self, name: str, size: int, content_type: str):
        super().__init__(file=None, name=name, content_type=content_type, size=size)

    def open(self, mode=None):
        return self

    def read(self, *args):
        return b""

    def seek(self, *args):
        return 0

    def chunks(self, chunk_size=None):
        return iter(())


class SizeLimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: passes a file's bytes on to the next
    handlers until the file grows past the limit, then none at all."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # More than every file a report may carry, each at its largest: no
        # form of ours sends that much, so the request is refused unread.
        if content_length > settings.ATTACHMENT_MAX_SIZE * (settings.ATTACHMENT_MAX_COUNT + 1):
            raise RequestDataTooBig("the request is larger than any form of the site may send")

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.ATTACHMENT_MAX_SIZE:
            self.too_large = True
        return None if self.too_large else raw_data

    def file_complete(self, file_size):
        if self.too_large:
            return TooLargeUpload(self.file_name, self.received, self.content_type)
        return None
