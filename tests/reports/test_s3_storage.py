"""Files on S3, against moto's S3 server on a local port: the upload, the
download through a link that lives a minute, and the deletion."""

import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from reports.files import services
from reports.models import Attachment, ScanState
from signalconso.audit import ActorKind

from . import files
from .test_attachments import _report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("categories")]

BUCKET = "signalconso-test"


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(settings, s3_endpoint):
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test-secret"}
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": credentials["aws_access_key_id"],
                "secret_key": credentials["aws_secret_access_key"],
                "default_acl": "private",
                "signature_version": "s3v4",
                "querystring_auth": True,
                "file_overwrite": False,
                "querystring_expire": 60,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_upload_download_through_a_short_lived_link_and_delete(s3, client, agent_user):
    (attachment,), refused = services.attachments_add(
        uploads=[files.upload("facture.pdf", files.pdf())], origin=ActorKind.CONSUMER, already=0
    )
    assert not refused
    key = attachment.file.name
    stored = s3.get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == files.pdf()
    # No public access: without a signature the object is refused.
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(default_storage.url(key).split("?")[0])

    Attachment.objects.filter(pk=attachment.pk).update(scan_state=ScanState.CLEAN, report=_report())
    client.force_login(agent_user)
    response = client.get(reverse("attachment_download", args=[attachment.uid]))
    assert response.status_code == 302
    link = response["Location"]
    query = parse_qs(urlsplit(link).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert query["response-content-disposition"] == ['attachment; filename="facture.pdf"']
    with urllib.request.urlopen(link) as fetched:
        assert fetched.read() == files.pdf()
        assert fetched.headers["Content-Disposition"] == 'attachment; filename="facture.pdf"'
        assert fetched.headers["Content-Type"] == "application/pdf"

    attachment.file.delete(save=False)
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)


def test_orphans_are_deleted_from_the_bucket(s3, settings):
    (orphan,), _ = services.attachments_add(
        uploads=[files.upload("oubli.png", files.image("PNG"))],
        origin=ActorKind.CONSUMER,
        already=0,
    )
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 1
    with time_machine.travel(timezone.now() + timedelta(days=settings.ATTACHMENT_ORPHAN_DAYS + 1)):
        assert services.attachments_purge_orphans() == 1
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
