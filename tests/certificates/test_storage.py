"""S3-compatible storage by configuration: certificates and branding through django-storages
against a real S3 API on 127.0.0.1 (moto's server), not a stand-in for our own code."""

import hashlib
import socket
import subprocess
import sys
from io import BytesIO

import boto3
import pytest
from django.core.files.base import ContentFile
from django.http import StreamingHttpResponse
from django.test import Client
from PIL import Image
from pypdf import PdfReader

from certificates.models import CertificateBranding
from certificates.services.issue import certificate_issue
from tests.certificates.conftest import branding_image_sizes

pytestmark = pytest.mark.django_db

BUCKET = "lms-certificates"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(settings, s3_endpoint, monkeypatch):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": True,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_a_certificate_is_stored_in_the_bucket_with_its_checksum_and_type(s3, completed):
    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None

    stored = s3.get_object(Bucket=BUCKET, Key=f"certificates/{certificate.code}.pdf")
    body = stored["Body"].read()
    assert stored["ContentType"] == "application/pdf"
    assert hashlib.sha256(body).hexdigest() == certificate.sha256


def test_the_owner_downloads_it_from_the_bucket_with_a_readable_name(s3, learner, completed):
    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None
    client = Client()
    client.force_login(learner)

    response = client.get(f"/certificates/{certificate.id}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{certificate.download_name}"'
    )
    assert certificate.download_name.startswith("certificate-clinical-leadership-essentials-")
    assert isinstance(response, StreamingHttpResponse)
    body = response.getvalue()
    assert hashlib.sha256(body).hexdigest() == certificate.sha256
    assert "Alex Rivera" in PdfReader(BytesIO(body)).pages[0].extract_text()


def test_branding_images_are_read_from_the_bucket_into_the_pdf(s3, course, completed):
    out = BytesIO()
    Image.new("RGB", (90, 45), (29, 43, 58)).save(out, format="PNG")
    branding = CertificateBranding(course=course, signatory_name="Eleanor Whitaker, MD")
    branding.logo.save("emblem.png", ContentFile(out.getvalue()), save=False)
    branding.save()
    assert s3.head_object(Bucket=BUCKET, Key=branding.logo.name)["ContentLength"] > 0

    certificate = certificate_issue(enrolment_id=completed.id)
    assert certificate is not None

    with certificate.pdf.open("rb") as f:
        page = PdfReader(BytesIO(f.read())).pages[0]
    assert branding_image_sizes(page, certificate) == [(90, 45)]


def test_a_bucket_in_the_environment_switches_the_default_storage_to_s3(tmp_path):
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url)"
    )
    environment = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "lms.settings.local",
        "AWS_STORAGE_BUCKET_NAME": "lms-prod-certificates",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
    }

    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "lms-prod-certificates", "https://s3.example.org"]
