"""Certificate PDFs: a Django template rendered by WeasyPrint.

One font configuration and one parsed stylesheet per process (building them, and loading the
bundled fonts they declare, is most of WeasyPrint's fixed cost), and a URL fetcher that serves
only this app's own assets: a name or title on a certificate can never make the renderer reach
the network or the file system. Branding images uploaded by staff are read through Django's
storage here and handed to the template as data: URIs, so the fetcher never widens.
"""

import base64
import hashlib
import io
import logging
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from PIL import Image
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
TEMPLATE = "certificates/certificate.html"

# Archival PDF: PDF/A-3b (embedded fonts, an sRGB output intent, XMP metadata declaring
# pdfaid part 3, conformance B), with the page tagged for accessibility as well (pdf_tags).
# Not PDF/A-3a: WeasyPrint 70 can write it, but its tagging is documented as experimental and
# we have no validator here to prove level-A structure, so the file claims only what
# WeasyPrint produces reliably (B) and still carries the tags that screen readers use.
PDF_VARIANT = "pdf/a-3b"

logger = logging.getLogger(__name__)


class AssetsOnlyFetcher(URLFetcher):
    """Serves data: URLs and files inside ASSETS_DIR; refuses everything else."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(ASSETS_DIR) and path.is_file():
                return URLFetcherResponse(url, path.read_bytes())
        logger.warning("Certificate renderer refused to fetch %s", url[:200])
        raise ValueError(f"The certificate renderer fetches only its own assets, not {url[:200]}")


@lru_cache(maxsize=1)
def _fetcher() -> AssetsOnlyFetcher:
    # Built once: a URLFetcher sets up urllib handlers (and an SSL context) when created.
    return AssetsOnlyFetcher()


@lru_cache(maxsize=1)
def _font_config() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=1)
def _stylesheet() -> CSS:
    # Parsing it with the shared font configuration loads the bundled @font-face fonts once.
    return CSS(
        filename=str(ASSETS_DIR / "certificate.css"),
        font_config=_font_config(),
        url_fetcher=_fetcher(),
    )


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL}/verify/{code}/"


# --- fitting long text ----------------------------------------------------------------------

# (most width units, CSS class): a name or title wider than a step gets the next, smaller type.
NAME_STEPS = ((24, "fit-xl"), (34, "fit-l"), (46, "fit-m"), (90, "fit-s"))
TITLE_STEPS = ((48, "fit-l"), (72, "fit-m"), (130, "fit-s"))
STATEMENT_STEPS = ((700, "fit-m"),)


def text_width(text: str) -> int:
    """Rough printed width in units of an average Latin letter: CJK characters count double."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit_class(text: str, steps: tuple[tuple[int, str], ...]) -> str:
    width = text_width(text)
    for most, css_class in steps:
        if width <= most:
            return css_class
    return "fit-xs"


# --- branding -------------------------------------------------------------------------------

# Branding images are prepared once per process, not per certificate: scaled down to print
# resolution (about 300 dpi at their largest on the page: the logo 17 mm high, the signature
# 70 mm wide), transparency flattened onto the page's white, and stored as a JPEG (quality 90).
# WeasyPrint embeds a JPEG as it is but decodes and re-compresses every PNG (and its alpha
# channel, as a separate mask) into every PDF, and its HTML parser reads a data: URI character
# by character: a large or transparent upload would cost every certificate for nothing visible.
IMAGE_MAX_SIZE = (830, 200)
PAPER = (255, 255, 255)


def image_data_uri(data: bytes) -> str:
    """An uploaded PNG or JPEG as a JPEG data: URI at print resolution, on white."""
    image = Image.open(io.BytesIO(data))
    image.thumbnail(IMAGE_MAX_SIZE, Image.Resampling.LANCZOS)  # only ever shrinks
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, PAPER)
    flat.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, format="JPEG", quality=90)
    return f"data:image/jpeg;base64,{base64.b64encode(out.getvalue()).decode('ascii')}"


@lru_cache(maxsize=32)
def _stored_image_data_uri(name: str) -> str:
    # Upload names are never reused (branding_upload_to), so a name always means the same bytes.
    with default_storage.open(name, "rb") as f:
        return image_data_uri(f.read())


def _branding(certificate) -> dict:
    from .models import CertificateBranding

    branding = None
    if certificate.enrolment_id:
        branding = (
            CertificateBranding.objects.filter(course__enrolments=certificate.enrolment_id)
            .only("issuer_name", "logo", "signatory_name", "signatory_title", "signature")
            .first()
        )
    if branding is None:
        return {}
    return {
        "issuer_name": branding.issuer_name,
        "logo": _stored_image_data_uri(branding.logo.name) if branding.logo else "",
        "signatory_name": branding.signatory_name,
        "signatory_title": branding.signatory_title,
        "signature": (
            _stored_image_data_uri(branding.signature.name) if branding.signature else ""
        ),
    }


# Pixels per QR module: drawn 22 mm wide, a code of 33 modules is then about 300 dpi, so
# viewers and printers do not scale it up (some smooth an enlarged image whatever it says).
QR_SCALE = 8


def qr_data_uri(url: str) -> str:
    """The QR code of `url` as a PNG data: URI. As SVG, the same code cost WeasyPrint about a
    seventh of the whole render, parsing its path and writing it into the PDF."""
    qr = segno.make(url, error="m")
    return qr.png_data_uri(dark="#1d2b3a", light=PAPER, border=0, scale=QR_SCALE)


def certificate_html(certificate, *, branding: dict | None = None) -> str:
    url = verify_url(certificate.code)
    statements = f"{certificate.designation_statement} {certificate.accreditation_statement}"
    return render_to_string(
        TEMPLATE,
        {
            "certificate": certificate,
            "branding": _branding(certificate) if branding is None else branding,
            "verify_url": url,
            "qr_data_uri": qr_data_uri(url),
            "name_fit": fit_class(certificate.learner_name, NAME_STEPS),
            "title_fit": fit_class(certificate.course_title, TITLE_STEPS),
            "statements_fit": fit_class(statements, STATEMENT_STEPS),
        },
    )


def render_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=ASSETS_DIR.as_uri() + "/", url_fetcher=_fetcher())
    return document.write_pdf(
        stylesheets=[_stylesheet()],
        font_config=_font_config(),
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
    )


def render_certificate(certificate) -> tuple[bytes, str]:
    """The certificate's PDF bytes and their SHA-256."""
    pdf = render_pdf(certificate_html(certificate))
    return pdf, hashlib.sha256(pdf).hexdigest()
