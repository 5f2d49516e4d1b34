"""Certificate PDFs: a Django template rendered by WeasyPrint.

One font configuration and one parsed stylesheet per process (building them is most of
WeasyPrint's fixed cost), and a URL fetcher that serves only this app's own assets: a name or
title on a certificate can never make the renderer reach the network or the file system.
"""

import hashlib
import logging
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
TEMPLATE = "certificates/certificate.html"

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
    return CSS(
        filename=str(ASSETS_DIR / "certificate.css"),
        font_config=_font_config(),
        url_fetcher=_fetcher(),
    )


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL}/verify/{code}/"


def certificate_html(certificate) -> str:
    url = verify_url(certificate.code)
    qr = segno.make(url, error="m")
    return render_to_string(
        TEMPLATE,
        {
            "certificate": certificate,
            "verify_url": url,
            "qr_data_uri": qr.svg_data_uri(dark="#1d2b3a", border=0),
        },
    )


def render_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=ASSETS_DIR.as_uri() + "/", url_fetcher=_fetcher())
    return document.write_pdf(stylesheets=[_stylesheet()], font_config=_font_config())


def render_certificate(certificate) -> tuple[bytes, str]:
    """The certificate's PDF bytes and their SHA-256."""
    pdf = render_pdf(certificate_html(certificate))
    return pdf, hashlib.sha256(pdf).hexdigest()
