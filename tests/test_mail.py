"""lms.mail against a real SMTP server on loopback (aiosmtpd): what the server received, what a
refusal or a dead server raises, and STARTTLS and TLS with a certificate made for the test."""

import datetime
import ipaddress
import ssl
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from lms.mail import MailNotSent, mail_render, mail_send

TEMPLATE = "certificates/email/ready"


def _message(to="resident@example.org"):
    return mail_render(
        template=TEMPLATE,
        context={
            "certificate": {"course_title": "Communication in Teams", "code": "ABCDE-FGHJK"},
            "name": "Alex Rivera",
            "verify_url": "https://lms.example.org/verify/ABCDE-FGHJK/",
            "certificates_url": "https://lms.example.org/me/certificates/",
        },
        subject="Your certificate for Communication in Teams is ready",
        to=[to],
        reply_to=["director@example.org"],
    )


def test_the_server_receives_both_parts_with_subject_sender_and_recipient(smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "Leadership in Medicine <lms@lms.example.org>"

    mail_send(_message())

    [received] = smtp_server.received
    assert received.rcpt_tos == ["resident@example.org"]
    assert received.mail_from == "lms@lms.example.org"
    assert received.message["Subject"] == "Your certificate for Communication in Teams is ready"
    assert received.message["To"] == "resident@example.org"
    assert received.message["Reply-To"] == "director@example.org"
    assert received.message.get_content_type() == "multipart/alternative"
    assert "Dear Alex Rivera," in received.part("plain")
    assert "https://lms.example.org/verify/ABCDE-FGHJK/" in received.part("plain")
    assert "<strong>Communication in Teams</strong>" in received.part("html")
    assert 'href="https://lms.example.org/me/certificates/"' in received.part("html")
    assert received.tls is False


def test_a_refused_recipient_raises_with_the_servers_answer(smtp_server):
    smtp_server.refuse("550 5.1.1 Mailbox unavailable")

    with pytest.raises(MailNotSent) as raised:
        mail_send(_message())

    assert raised.value.reason == (
        "Recipient refused: resident@example.org: 550 5.1.1 Mailbox unavailable"
    )
    assert isinstance(raised.value, OSError)  # the tasks' default retries cover it
    assert smtp_server.received == []


def test_a_server_that_is_gone_raises(smtp_server):
    smtp_server.stop()

    with pytest.raises(MailNotSent) as raised:
        mail_send(_message())

    assert raised.value.reason.startswith("ConnectionRefusedError: ")


# --- TLS: a certificate for 127.0.0.1, signed by itself, made for this test ------------------


@pytest.fixture
def tls_files(tmp_path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "smtp.crt", tmp_path / "smtp.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _server_context(tls_files) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*tls_files)
    return context


def _accept_lms_login(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data == (b"lms", b"p@ss/word")
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


def test_starttls_with_login_as_email_url_configures_it(
    smtp_server, settings, tls_files, monkeypatch
):
    import environ

    # The client trusts the test's certificate as Python's ssl would trust a public CA's:
    # the check of the certificate and of the host name stays on.
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_files[0]))
    smtp_server.start(
        tls_context=_server_context(tls_files),
        require_starttls=True,
        auth_required=True,
        authenticator=_accept_lms_login,
    )
    url = f"smtp+tls://lms:p%40ss%2Fword@127.0.0.1:{smtp_server.port}"
    for name, value in environ.Env.email_url_config(url).items():
        setattr(settings, name, value)

    mail_send(_message())

    [received] = smtp_server.received
    assert received.tls is True
    assert received.login == b"lms"
    assert "Dear Alex Rivera," in received.part("plain")


def test_starttls_refuses_a_certificate_nobody_vouches_for(smtp_server, settings, tls_files):
    smtp_server.start(tls_context=_server_context(tls_files), require_starttls=True)
    settings.EMAIL_USE_TLS = True

    with pytest.raises(MailNotSent) as raised:
        mail_send(_message())

    assert "CERTIFICATE_VERIFY_FAILED" in raised.value.reason
    assert smtp_server.received == []


def test_tls_from_the_first_byte_as_smtp_ssl(smtp_server, settings, tls_files, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_files[0]))
    smtp_server.start(ssl_context=_server_context(tls_files))
    settings.EMAIL_USE_SSL = True

    mail_send(_message())

    [received] = smtp_server.received
    assert received.tls is True
