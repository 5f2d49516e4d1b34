"""Every e-mail the site sends: a plain-text and an HTML part from a pair of templates.

`mail_send` returns only once the mail server has taken the message and raises `MailNotSent`
otherwise, so a caller records a delivery after `mail_send` returns and never before. The
error's `reason` says why, in words staff can read in the admin ("550 5.1.1 Mailbox
unavailable", "Connection refused"). MailNotSent is an OSError, like the SMTP and socket errors
it stands for, so the tasks' default retries (tasks.base) cover it.
"""

import smtplib
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone


class MailNotSent(OSError):
    """The mail server did not take the message; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def mail_render(
    *,
    template: str,
    context: Mapping[str, Any],
    subject: str,
    to: Sequence[str],
    reply_to: Sequence[str] = (),
) -> EmailMultiAlternatives:
    """The message from `<template>.txt` (its body) and `<template>.html` (its HTML part)."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", dict(context)),
        to=list(to),
        reply_to=list(reply_to) or None,
    )
    message.attach_alternative(render_to_string(f"{template}.html", dict(context)), "text/html")
    return message


def failure_reason(error: BaseException) -> str:
    """What went wrong, as the mail server or the network put it."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{address}: {code} {_text(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
        return f"Recipient refused: {refused}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def mail_send(message: EmailMultiAlternatives) -> None:
    """Hand the message to the mail server; raise MailNotSent unless it took it."""
    try:
        sent = message.send(fail_silently=False)
    except OSError as error:  # smtplib's errors, refused or lost connections, TLS failures
        raise MailNotSent(failure_reason(error)) from error
    if sent != 1:
        raise MailNotSent("The mail backend took no message (no recipient?)")


def mail_send_or_record(
    message: EmailMultiAlternatives, *, rows: QuerySet[Any], prefix: str = "send"
) -> MailNotSent | None:
    """Hand the message over; if the server refuses, count the failure on `rows` (the fields
    `<prefix>_failures`, `<prefix>_failed_at`, `<prefix>_error`, which staff see in the admin)
    and return the error. The caller raises it once its transaction has committed, so the
    record stays while the task retries."""
    try:
        mail_send(message)
    except MailNotSent as error:
        rows.update(
            **{
                f"{prefix}_failures": F(f"{prefix}_failures") + 1,
                f"{prefix}_failed_at": timezone.now(),
                f"{prefix}_error": error.reason,
            }
        )
        return error
    return None
