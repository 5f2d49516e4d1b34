"""The certificate PDF: what it says, read back from the PDF, and what it never fetches."""

import hashlib
import math
import re
import socket
import subprocess
import threading
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO
from typing import cast

import pytest
import weasyprint
import zxingcpp
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.forms import modelform_factory
from django.utils.datastructures import MultiValueDict
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

from certificates.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Certificate,
    CertificateBranding,
    CreditClaim,
    new_verification_code,
)
from certificates.rendering import (
    ASSETS_DIR,
    NAME_STEPS,
    AssetsOnlyFetcher,
    fit_class,
    render_pdf,
    text_width,
)
from certificates.services.issue import certificate_issue
from courses.models import Enrolment
from tests.certificates.conftest import branding_image_sizes, page_images
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
    CreditClaim.objects.create(enrolment=enrolment, credits=Decimal("1.75"))
    certificate = certificate_issue(enrolment_id=enrolment.id)
    assert certificate is not None
    assert certificate.status == Certificate.Status.READY
    return certificate


def _pdf_reader(certificate: Certificate) -> PdfReader:
    with certificate.pdf.open("rb") as f:
        return PdfReader(BytesIO(f.read()))


def _text(certificate: Certificate) -> str:
    return "".join(page.extract_text() for page in _pdf_reader(certificate).pages)


def _flat(certificate: Certificate) -> str:
    """The text with every run of white space as one space: extraction spaces inline blocks
    as it likes."""
    return " ".join(_text(certificate).split())


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

    assert f"Certificate number LIM-2026-{certificate.pk:06d}-1" in _flat(certificate)


def test_certificate_states_its_verification_code(learner, course):
    certificate = _issued(learner, course)

    assert f"Verification code {certificate.code}" in _flat(certificate)


def test_certificate_states_its_verification_url(learner, course):
    certificate = _issued(learner, course)

    assert f"Verify at https://lms.example.org/verify/{certificate.code}/" in _flat(certificate)


def test_certificate_states_the_credit_statements(learner, course):
    text = _text(_issued(learner, course))

    assert "Northfield Academic Medical Center" in text
    assert "Accredited by the ACCME to provide continuing medical education." in text
    assert "Designated for a maximum of 2.00 AMA PRA Category 1 Credits." in text


def test_certificate_states_the_credit_claimed_with_its_type(learner, course):
    text = _text(_issued(learner, course))

    assert "Credit claimed: 1.75 AMA PRA Category 1 Credit\u2122" in text


def _font_names(certificate: Certificate) -> set[str]:
    """The fonts the page uses, without their subset prefixes (ABCDEF+Name)."""
    page = _pdf_reader(certificate).pages[0]
    resources = page["/Resources"]
    assert isinstance(resources, DictionaryObject)
    fonts = resources["/Font"]
    assert isinstance(fonts, DictionaryObject)
    # Each entry of /Font is a font dictionary.
    names = (str(cast(DictionaryObject, fonts[key].get_object())["/BaseFont"]) for key in fonts)
    return {name.split("+", 1)[-1].replace("-", "") for name in names}


def test_certificate_uses_the_bundled_fonts(learner, course):
    fonts = _font_names(_issued(learner, course))

    assert any(name.startswith("EBGaramond") for name in fonts), fonts
    assert any(name.startswith("Inter") for name in fonts), fonts


@pytest.mark.parametrize(
    ("name", "font"),
    [
        ("Zoë Ångström-Nuñez", "EBGaramond"),
        ("Łukasz Wałęsa", "EBGaramond"),
        ("Ελένη Παπαδοπούλου", "EBGaramond"),
        ("Алексей Смирнов", "EBGaramond"),
        ("李小龙", "WenQuanYi"),  # the system fallback scripts/system-deps.sh installs
        ("محمد عبد الله", "Amiri"),  # bundled: HarfBuzz joins the letters in it
    ],
    ids=["latin-diacritics", "latin-extended", "greek", "cyrillic", "chinese", "arabic"],
)
def test_names_in_other_scripts_render_in_a_font_that_has_them_and_read_back(course, name, font):
    learner = UserFactory(username="learner-intl", full_name=name)

    certificate = _issued(learner, course)

    text = _text(certificate)
    assert name in text
    assert any(f.startswith(font) for f in _font_names(certificate)), _font_names(certificate)
    # The rest of the page survives the name: no two font files share one embedded font.
    assert "has successfully completed\nLeading Interprofessional Rounds\non 25 November" in text


# --- long text still fits ------------------------------------------------------------------

LONG_NAME = (
    "Maria-Fernanda Alejandra Guadalupe de los Santos Villanueva-Echeverría y Montenegro "
    "Castellanos-Ibáñez, MD, PhD, MPH, MSc, FACP, FRCPC, FAAP, FACEP, FHM, CPE, FACHE"
)
LONG_TITLE = (
    "Leadership in Medicine: The Post-USMLE Journey. An Advanced Seminar on Interprofessional "
    "Communication, Team Collaboration, Ethical Leadership, Healthcare Administration and "
    "Medical Education"
)


def test_a_very_long_name_and_title_still_fit_on_one_page(course):
    assert len(LONG_NAME) >= 150 and 190 <= len(LONG_TITLE) <= 200
    course.title = LONG_TITLE
    course.save()
    learner = UserFactory(username="learner-long", full_name=LONG_NAME)

    certificate = _issued(learner, course)

    reader = _pdf_reader(certificate)
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", "", _text(certificate))
    assert re.sub(r"\s+", "", LONG_NAME) in text
    assert re.sub(r"\s+", "", LONG_TITLE) in text
    assert certificate.code.replace("-", "") in text.replace("-", "")  # the footer survived


def test_two_hundred_cjk_characters_fit_on_one_page(course):
    name = "李小龙" * 66
    learner = UserFactory(username="learner-cjk-long", full_name=name)

    certificate = _issued(learner, course)

    assert len(_pdf_reader(certificate).pages) == 1
    assert name in re.sub(r"\s+", "", _text(certificate))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Alex Rivera", "fit-xl"),
        ("Zoë Ångström-Nuñez, MD, PhD, MPH", "fit-l"),
        ("x" * 46, "fit-m"),
        ("x" * 90, "fit-s"),
        ("x" * 91, "fit-xs"),
        ("李小龙" * 4, "fit-xl"),  # 12 wide characters count as 24 letters
        ("李小龙" * 5, "fit-l"),
    ],
)
def test_names_take_smaller_type_as_they_grow(text, expected):
    assert fit_class(text, NAME_STEPS) == expected


def test_wide_characters_count_double():
    assert (text_width("Ab"), text_width("李小"), text_width("محمد")) == (2, 4, 4)


# --- an archival, accessible PDF -----------------------------------------------------------


def _root(reader: PdfReader) -> DictionaryObject:
    root = reader.trailer["/Root"]
    assert isinstance(root, DictionaryObject)
    return root


def _xmp(reader: PdfReader) -> str:
    metadata = _root(reader)["/Metadata"].get_object()
    assert isinstance(metadata, StreamObject)
    return metadata.get_data().decode("utf-8")


def test_certificate_is_pdf_a_3b_by_its_xmp_metadata(learner, course):
    reader = _pdf_reader(_issued(learner, course))

    xmp = _xmp(reader)
    part = re.search(r"pdfaid:part(?:>|=\")(\d)", xmp)
    assert part is not None
    conformance = re.search(r"pdfaid:conformance(?:>|=\")([A-Z])", xmp)
    assert conformance is not None
    assert (part.group(1), conformance.group(1)) == ("3", "B")
    intents = _root(reader)["/OutputIntents"]
    assert isinstance(intents, ArrayObject)
    assert [str(i.get_object()["/S"]) for i in intents] == ["/GTS_PDFA1"]


def test_certificate_metadata_states_title_author_subject_and_language(learner, course):
    certificate = _issued(learner, course)
    reader = _pdf_reader(certificate)

    assert reader.metadata is not None
    assert reader.metadata.title == "Certificate of completion: Leading Interprofessional Rounds"
    assert reader.metadata.author == "Northfield Academic Medical Center"
    assert reader.metadata.subject == (
        "Certificate of completion of Leading Interprofessional Rounds for Alex Rivera, "
        f"number {certificate.number}"
    )
    assert _root(reader)["/Lang"] == "en"
    xmp = _xmp(reader)
    assert "Certificate of completion: Leading Interprofessional Rounds" in xmp  # dc:title
    assert "Northfield Academic Medical Center" in xmp  # dc:creator


def test_certificate_is_tagged_for_accessibility(learner, course):
    root = _root(_pdf_reader(_issued(learner, course)))
    mark_info = root["/MarkInfo"]
    assert isinstance(mark_info, DictionaryObject)

    assert bool(mark_info["/Marked"])
    assert "/StructTreeRoot" in root


# --- branding ------------------------------------------------------------------------------


def _png(colour: tuple[int, int, int], size=(120, 60)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def _page_images(certificate: Certificate) -> list[tuple[int, int]]:
    return branding_image_sizes(_pdf_reader(certificate).pages[0], certificate)


def test_qr_code_on_the_page_scans_to_the_verification_url(learner, course, tmp_path):
    certificate = _issued(learner, course)
    pdf = tmp_path / "certificate.pdf"
    with certificate.pdf.open("rb") as f:
        pdf.write_bytes(f.read())

    # The whole page as a screen shows it (150 dpi), read as a phone camera would.
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", pdf, tmp_path / "page"], check=True
    )
    scanned = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))

    assert [result.text for result in scanned] == [
        f"https://lms.example.org/verify/{certificate.code}/"
    ]


def test_no_image_asks_viewers_to_smooth_it_as_pdf_a_requires(learner, course):
    CertificateBranding.objects.create(course=course, signatory_name="Eleanor Whitaker, MD")
    branding = CertificateBranding.objects.get(course=course)
    branding.logo.save("logo.png", ContentFile(_png((29, 43, 58), (200, 200))))

    images = page_images(_pdf_reader(_issued(learner, course)).pages[0])

    assert len(images) == 2  # the logo and the QR code
    assert [smooth for _, smooth in images] == [False, False]


def test_branding_prints_the_logo_signature_and_signatory(learner, course, listener):
    branding = CertificateBranding(
        course=course,
        issuer_name="Northfield Academic Medical Center, Office of CME",
        signatory_name="Eleanor Whitaker, MD, MPH",
        signatory_title="Director, Office of Continuing Medical Education",
    )
    branding.logo.save("logo.png", ContentFile(_png((29, 43, 58), (200, 200))), save=False)
    branding.signature.save("sig.png", ContentFile(_png((24, 40, 84), (300, 80))), save=False)
    branding.save()

    certificate = _issued(learner, course)

    text = _text(certificate)
    assert "NORTHFIELD ACADEMIC MEDICAL CENTER, OFFICE OF CME" in text
    assert "Eleanor Whitaker, MD, MPH" in text
    assert "Director, Office of Continuing Medical Education" in text
    assert _page_images(certificate) == [(200, 200), (300, 80)]
    assert listener.seen() == []


def test_without_branding_no_image_or_signatory_is_drawn(learner, course):
    certificate = _issued(learner, course)

    assert _page_images(certificate) == []
    assert "Northfield Academic Medical Center" in _text(certificate)  # the provider, always


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("logo.gif", "gif", "File extension “gif” is not allowed"),
        ("logo.png", b"not an image at all", "Upload a valid image"),
        ("logo.png", None, "at most 1000 kB"),
    ],
    ids=["gif", "not-an-image", "too-large"],
)
def test_branding_refuses_other_files_as_images(course, filename, content, message):
    """What staff meet in the admin: its form for the branding refuses the upload."""
    if content is None:  # a real PNG over the limit
        content = _png((1, 2, 3)) + b"\0" * 1_000_001
    elif content == "gif":  # a real image, of a kind the certificate does not take
        out = BytesIO()
        Image.new("RGB", (10, 10)).save(out, format="GIF")
        content = out.getvalue()
    form_class = modelform_factory(CertificateBranding, fields=["course", "logo"])
    form = form_class(
        data={"course": course.pk},
        files=MultiValueDict({"logo": [SimpleUploadedFile(filename, content)]}),
    )

    assert not form.is_valid()
    assert message in " ".join(str(error) for error in form.errors["logo"])
    assert not CertificateBranding.objects.exists()


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
