"""The certificate PDF: what it says, read back from the PDF, and what it never fetches."""

import hashlib
import math
import re
import socket
import subprocess
import threading
from datetime import UTC, datetime
from io import BytesIO

import pytest
import weasyprint
from django.db import IntegrityError, transaction
from pypdf import PdfReader

from certificates.models import CODE_ALPHABET, CODE_LENGTH, Certificate, new_verification_code
from certificates.rendering import ASSETS_DIR, AssetsOnlyFetcher, render_pdf
from certificates.services import certificate_issue
from courses.models import Enrolment
from tests.factories import UserFactory, enrol

pytestmark = pytest.mark.django_db

COMPLETED_AT = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://lms.example.org"
    return settings.MEDIA_ROOT


@pytest.fixture
def course(course):
    course.title = "Leading Interprofessional Rounds"
    course.save()
    return course


def _issued(user, course) -> Certificate:
    """A ready certificate made by the services from a completed enrolment."""
    enrolment = enrol(user, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=COMPLETED_AT
    )
    certificate = certificate_issue(enrolment_id=enrolment.id)
    assert certificate.status == Certificate.Status.READY
    return certificate


def _pdf_reader(certificate: Certificate) -> PdfReader:
    with certificate.pdf.open("rb") as f:
        return PdfReader(BytesIO(f.read()))


def _text(certificate: Certificate) -> str:
    return "".join(page.extract_text() for page in _pdf_reader(certificate).pages)


def _printed_name(text: str) -> str:
    """The learner's name as printed, without the line breaks a long name wraps at."""
    name = text.split("This certifies that\n", 1)[1].split("\nhas successfully completed", 1)[0]
    return re.sub(r"\s+", "", name)


# --- what the certificate says ------------------------------------------------------------


def test_certificate_is_one_a4_landscape_page(learner, course):
    pages = _pdf_reader(_issued(learner, course)).pages

    assert len(pages) == 1
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points


def test_certificate_states_the_learner_name(learner, course):
    assert "Alex Rivera" in _text(_issued(learner, course))


def test_certificate_states_the_course_title(learner, course):
    assert "Leading Interprofessional Rounds" in _text(_issued(learner, course))


def test_certificate_states_the_completion_date_in_words(learner, course):
    assert "on 25 November 2026" in _text(_issued(learner, course))


def test_certificate_states_its_number(learner, course):
    certificate = _issued(learner, course)

    assert f"Certificate number LIM-2026-{certificate.pk:06d}-1" in _text(certificate)


def test_certificate_states_its_verification_code(learner, course):
    certificate = _issued(learner, course)

    assert f"Verification code {certificate.code}" in _text(certificate)


def test_certificate_states_its_verification_url(learner, course):
    certificate = _issued(learner, course)

    assert f"Verify at https://lms.example.org/verify/{certificate.code}/" in _text(certificate)


def test_certificate_states_the_credit_statements(learner, course):
    text = _text(_issued(learner, course))

    assert "Northfield Academic Medical Center" in text
    assert "Accredited by the ACCME to provide continuing medical education." in text
    assert "Designated for a maximum of 2.00 AMA PRA Category 1 Credits." in text


def _covering_fonts(char: str) -> list[str]:
    result = subprocess.run(
        ["fc-list", f":charset={ord(char):x}", "family"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("name", "font_package"),
    [
        ("Zoë Ångström-Nuñez", "fonts-dejavu-core"),
        ("李小龙", "fonts-noto-cjk (or fonts-wqy-zenhei)"),
        ("محمد عبد الله", "fonts-dejavu-core"),
    ],
    ids=["latin-diacritics", "chinese", "arabic"],
)
def test_names_in_other_scripts_render_and_read_back(course, name, font_package):
    learner = UserFactory(username="learner-intl", full_name=name)
    uncovered = sorted({c for c in name if not c.isspace() and not _covering_fonts(c)})
    if uncovered:
        pytest.fail(
            f"No installed font covers {', '.join(f'U+{ord(c):04X}' for c in uncovered)} "
            f"of {name!r}: the certificate would print empty boxes. "
            f"Install the Debian package {font_package}.",
            pytrace=False,
        )

    text = _text(_issued(learner, course))

    assert name in text


# --- the renderer never reaches out -------------------------------------------------------


class Listener:
    """A TCP port on 127.0.0.1 that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.connections: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, address = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections.append(address)
            conn.close()

    def seen(self) -> list[tuple[str, int]]:
        """Connections so far, including any still waiting in the backlog."""
        self._stop.set()
        self._thread.join()
        self.sock.setblocking(False)
        while True:
            try:
                conn, address = self.sock.accept()
            except OSError:
                break
            self.connections.append(address)
            conn.close()
        return self.connections

    def close(self):
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.close()


def test_the_listener_sees_an_unguarded_weasyprint_fetch(listener):
    """The trap works: plain WeasyPrint, with its default fetcher, does connect to it."""
    html = f'<p>x</p><img src="http://127.0.0.1:{listener.port}/x">'

    weasyprint.HTML(string=html).write_pdf()

    assert len(listener.seen()) >= 1


HOSTILE_NAMES = [
    '<img src="http://127.0.0.1:{port}/x">',
    '<link rel=stylesheet href="http://127.0.0.1:{port}/s.css">',
    '<link rel=stylesheet href="file:///etc/passwd">',
    '<link rel=attachment href="file:///etc/passwd">',
    "<style>@import url(http://127.0.0.1:{port}/i.css);</style>",
]


@pytest.mark.parametrize(
    "template", HOSTILE_NAMES, ids=["img", "stylesheet", "file", "attachment", "import"]
)
def test_markup_in_a_name_is_printed_literally(course, listener, template):
    name = template.format(port=listener.port)
    learner = UserFactory(username="learner-markup", full_name=name)

    text = _text(_issued(learner, course))

    assert _printed_name(text) == re.sub(r"\s+", "", name)


@pytest.mark.parametrize(
    "template", HOSTILE_NAMES, ids=["img", "stylesheet", "file", "attachment", "import"]
)
def test_markup_in_a_name_makes_no_request(course, listener, template):
    learner = UserFactory(username="learner-markup", full_name=template.format(port=listener.port))

    certificate = _issued(learner, course)

    assert listener.seen() == []
    assert _pdf_reader(certificate).attachments == {}


@pytest.mark.parametrize(
    "template", HOSTILE_NAMES, ids=["img", "stylesheet", "file", "attachment", "import"]
)
def test_renderer_fetches_nothing_even_from_unescaped_markup(listener, template):
    """Second line of defence: were the template ever to let markup through, the fetcher
    would still refuse it."""
    html = f"<p>Certificate</p>{template.format(port=listener.port)}"

    pdf = render_pdf(html)

    assert listener.seen() == []
    assert PdfReader(BytesIO(pdf)).attachments == {}
    assert b"root:x:0:0" not in pdf


def test_fetcher_serves_a_file_from_the_assets_folder():
    url = (ASSETS_DIR / "certificate.css").as_uri()

    response = AssetsOnlyFetcher().fetch(url)

    assert response.read() == (ASSETS_DIR / "certificate.css").read_bytes()


def test_fetcher_serves_data_urls():
    response = AssetsOnlyFetcher().fetch("data:text/plain;base64,aGVsbG8=")

    assert response.read() == b"hello"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/x",
        "https://127.0.0.1:{port}/x",
        "ftp://127.0.0.1:{port}/x",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "{assets}/../rendering.py",
        "{assets}/%2e%2e/rendering.py",
        "{assets}/../../lms/settings/production.py",
        "{assets}/",
        "{assets}/missing.css",
    ],
    ids=[
        "http",
        "https",
        "ftp",
        "file-etc-passwd",
        "file-localhost",
        "dotdot",
        "encoded-dotdot",
        "dotdot-settings",
        "assets-folder-itself",
        "missing-asset",
    ],
)
def test_fetcher_refuses_everything_else(listener, url):
    url = url.format(port=listener.port, assets=ASSETS_DIR.as_uri())

    with pytest.raises(ValueError, match="fetches only its own assets"):
        AssetsOnlyFetcher().fetch(url)

    assert listener.seen() == []


# --- checksum and code --------------------------------------------------------------------


def test_stored_checksum_is_the_sha256_of_the_stored_file(learner, course):
    certificate = _issued(learner, course)
    certificate.refresh_from_db()

    with certificate.pdf.open("rb") as f:
        stored = f.read()

    assert stored.startswith(b"%PDF-")
    assert certificate.sha256 == hashlib.sha256(stored).hexdigest()


def test_verification_code_carries_at_least_80_random_bits():
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET) == 32
    assert CODE_LENGTH * math.log2(len(CODE_ALPHABET)) >= 80


def test_verification_code_is_made_of_the_alphabet_in_groups_of_five():
    code = new_verification_code()

    groups = code.split("-")
    assert [len(g) for g in groups] == [5, 5, 5, 5]
    assert len("".join(groups)) == CODE_LENGTH
    assert set("".join(groups)) <= set(CODE_ALPHABET)


def test_verification_codes_do_not_repeat():
    codes = [new_verification_code() for _ in range(20_000)]

    assert len(set(codes)) == len(codes)


def test_two_certificates_never_share_a_code(learner, other_learner, course):
    first = _issued(learner, course)
    other = enrol(other_learner, course)
    Enrolment.objects.filter(pk=other.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=COMPLETED_AT
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            enrolment_id=other.pk,
            code=first.code,
            learner_name="Jordan Lee",
            course_title=course.title,
            completed_on=COMPLETED_AT.date(),
        )

    assert Certificate.objects.filter(code=first.code).count() == 1
