"""What an operator relies on: the readiness probe, request ids in responses and logs, and a
content security policy that the templates keep (no inline script, handler or style)."""

import logging
import re
from pathlib import Path

import pytest
from django.urls import reverse

from lms.celery import app
from lms.request_ids import RequestIdFilter, current_request_id

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def test_ready_when_the_database_cache_broker_and_storage_answer(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "checks": {"database": "ok", "cache": "ok", "broker": "ok", "storage": "ok"},
    }
    assert list(tmp_path.rglob("*.txt")) == []  # the probe's file is gone again


def test_not_ready_names_what_failed_and_logs_why(client, settings, tmp_path, caplog, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker
    monkeypatch.setattr(app.conf, "broker_write_url", "redis://127.0.0.1:9/0")  # nothing listens

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "broker": "failed",
        "storage": "failed",
    }
    assert "Readiness: broker failed" in caplog.text
    assert "Readiness: storage failed" in caplog.text
    assert "127.0.0.1" not in response.content.decode()  # reasons stay in the log


def test_every_response_carries_a_request_id_and_a_sane_one_from_the_proxy_is_kept(client):
    made = client.get(reverse("healthz"))["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    kept = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="proxy-7f3a9c21")
    assert kept["X-Request-ID"] == "proxy-7f3a9c21"
    hostile = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="x\nforged log line" + "a" * 80)
    assert re.fullmatch(r"[0-9a-f]{32}", hostile["X-Request-ID"])


def test_log_records_carry_the_request_id():
    record = logging.LogRecord("lms", logging.INFO, __file__, 1, "graded", None, None)
    token = current_request_id.set("proxy-7f3a9c21")
    try:
        RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)
    assert record.request_id == "proxy-7f3a9c21"  # type: ignore[attr-defined]


def test_pages_send_a_content_security_policy_without_inline_script_or_style(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


# E-mails are not pages (mail clients want inline styles), nor is the certificate, which
# WeasyPrint renders with nothing fetched.
NOT_PAGES = re.compile(r"/email/|registration/password_reset_email|certificates/certificate\.html")
INLINE = {
    "an inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "an hx-on handler": re.compile(r"\shx-on[:-]", re.I),
    "a javascript: address": re.compile(r"javascript:", re.I),
    "a style attribute": re.compile(r"\sstyle\s*=", re.I),
    "a style element": re.compile(r"<style\b", re.I),
}


def page_templates() -> list[Path]:
    found = [
        path
        for folder in ("templates", "accounts", "courses", "quizzes", "certificates")
        for path in (ROOT / folder).rglob("*.html")
        if "/templates/" in f"/{path.relative_to(ROOT)}"
    ]
    return [p for p in found if not NOT_PAGES.search(str(p))]


@pytest.mark.parametrize("template", page_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_template_needs_what_the_policy_refuses(template):
    text = template.read_text()
    found = [what for what, pattern in INLINE.items() if pattern.search(text)]
    assert found == [], f"{template.relative_to(ROOT)} has {', '.join(found)}"
