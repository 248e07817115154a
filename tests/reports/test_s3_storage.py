"""Files on S3, against moto's S3 server on a local port: the upload, the
download through a link that lives a minute (signed for the address browsers
reach when the platform reaches the storage by another), and the deletion.

A real server, not moto's in-process mock: the link the view answers is
fetched over HTTP, as a browser would, to read the headers it is served with."""

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
def storage_options():
    """More options of the storage; a test may override this."""
    return {}


@pytest.fixture
def s3(settings, s3_endpoint, storage_options):
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test-secret"}
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "signalconso.storage.SignedLinkS3Storage",
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
                **storage_options,
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


@pytest.fixture
def public_endpoint(s3_endpoint):
    # Another name for the same server: the one "browsers" reach.
    return s3_endpoint.replace("127.0.0.1", "localhost")


class TestBehindAnInternalAddress:
    @pytest.fixture
    def storage_options(self, public_endpoint):
        return {"public_endpoint_url": public_endpoint}

    def test_the_download_link_is_signed_for_the_public_address(self, s3, client, agent_user, public_endpoint):
        (attachment,), _ = services.attachments_add(
            uploads=[files.upload("facture.pdf", files.pdf())], origin=ActorKind.CONSUMER, already=0
        )
        # Stored through the internal address.
        assert s3.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read() == files.pdf()
        Attachment.objects.filter(pk=attachment.pk).update(scan_state=ScanState.CLEAN, report=_report())
        client.force_login(agent_user)

        response = client.get(reverse("attachment_download", args=[attachment.uid]))

        assert response.status_code == 302
        assert response["Cache-Control"] == "private, no-store"
        link = response["Location"]
        assert link.startswith(f"{public_endpoint}/{BUCKET}/")
        query = parse_qs(urlsplit(link).query)
        assert query["X-Amz-Expires"] == ["60"]
        assert query["X-Amz-SignedHeaders"] == ["host"]
        assert query["response-content-disposition"] == ['attachment; filename="facture.pdf"']
        with urllib.request.urlopen(link) as fetched:
            assert fetched.read() == files.pdf()
            assert fetched.headers["Content-Disposition"] == 'attachment; filename="facture.pdf"'

    def test_the_link_is_the_one_a_client_of_the_public_address_would_sign(self, s3, settings, public_endpoint):
        from storages.backends.s3 import S3Storage

        options = {k: v for k, v in settings.STORAGES["default"]["OPTIONS"].items() if k != "public_endpoint_url"}
        inside = S3Storage(**options)
        outside = S3Storage(**{**options, "endpoint_url": public_endpoint})
        with time_machine.travel(timezone.now(), tick=False):
            ours = default_storage.url("attachments/x.pdf")
            rewritten = inside.url("attachments/x.pdf").replace(options["endpoint_url"], public_endpoint)
            assert ours == outside.url("attachments/x.pdf")
        # Rewriting the internal link's host would keep a signature made for another host.
        assert urlsplit(rewritten).path == urlsplit(ours).path
        assert (
            parse_qs(urlsplit(rewritten).query)["X-Amz-Signature"] != parse_qs(urlsplit(ours).query)["X-Amz-Signature"]
        )
