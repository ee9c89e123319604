"""Outgoing email: render plain text + HTML, send through SMTP (or log), never inside a request.

Services hand a message to `enqueue_email()`, the one entry point. Once the unit of work
(request, job or CLI command) commits, the message becomes an `email.send` job: on Redis when
configured (a `taskflow worker` delivers it), in-process otherwise. A failed delivery is
retried with backoff for about an hour (the lifetime of a reset link) and never fails the
request.
"""

from __future__ import annotations

import html
import logging
from dataclasses import asdict, dataclass
from email.message import EmailMessage as MimeMessage
from email.utils import formatdate, make_msgid, parseaddr

from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.config import Settings
from taskflow.core.jobs.registry import JobContext, job
from taskflow.core.unit_of_work import defer_job

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class EmailMessage:
    """One email, in both forms every mail client can show."""

    to: str
    subject: str
    text: str
    html: str


def render_action_email(
    *,
    to: str,
    subject: str,
    greeting: str,
    paragraphs: list[str],
    action_label: str,
    action_url: str,
    footer: str,
) -> EmailMessage:
    """A message with one call to action (a link), as plain text and as escaped HTML."""
    text_parts = [greeting, *paragraphs, f"{action_label}: {action_url}", footer]
    text = "\n\n".join(text_parts) + "\n"
    url = html.escape(action_url, quote=True)
    body = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs)
    html_text = (
        '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">'
        f"<p>{html.escape(greeting)}</p>{body}"
        f'<p><a href="{url}" style="display: inline-block; padding: 8px 16px; '
        f'background: #2563eb; color: #ffffff; text-decoration: none; border-radius: 4px">'
        f"{html.escape(action_label)}</a></p>"
        f'<p style="font-size: small">Or open this link: <a href="{url}">{url}</a></p>'
        f'<p style="font-size: small; color: #6b7280">{html.escape(footer)}</p>'
        "</body></html>"
    )
    return EmailMessage(to=to, subject=subject, text=text, html=html_text)


def to_mime(settings: Settings, message: EmailMessage) -> MimeMessage:
    mime = MimeMessage()
    mime["From"] = settings.email_from
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = formatdate(localtime=False)
    sender_domain = parseaddr(settings.email_from)[1].rpartition("@")[2] or "taskflow.local"
    mime["Message-ID"] = make_msgid(domain=sender_domain)
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    return mime


async def send_email(settings: Settings, message: EmailMessage) -> bool:
    """Deliver now: SMTP when TASKFLOW_SMTP_HOST is set, else the log. True when delivered.

    Never raises: a mail server being down must not break whatever asked for the email.
    """
    if not settings.smtp_host:
        # No mail server (a laptop install): the log is the mailbox, links included.
        logger.info(
            "email (no TASKFLOW_SMTP_HOST, logged instead of sent) to %s: %s\n%s",
            message.to,
            message.subject,
            message.text,
        )
        return True
    # Imported by the first email sent (by the worker, or in-process without Redis), not at
    # start: every API worker would carry the SMTP client (~0.7 MB) without sending a message
    # (issue 22).
    import aiosmtplib

    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    try:
        await aiosmtplib.send(
            to_mime(settings, message),
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_user or None,
            password=password,
            use_tls=settings.smtp_tls == "tls",
            start_tls=settings.smtp_tls == "starttls",
            timeout=SMTP_TIMEOUT_SECONDS,
        )
    except Exception as error:  # any failure is logged; the body (a token) is not
        logger.error(
            "email to %s (%s) could not be sent via %s:%s: %r",
            message.to,
            message.subject,
            settings.smtp_host,
            settings.smtp_port,
            error,
        )
        return False
    logger.info("email sent to %s: %s", message.to, message.subject)
    return True


class EmailNotSentError(Exception):
    """Raised by the job so the queue retries it."""


# Retries after 2, 4, 8, ... 256 s, then every 5 minutes: 18 retries span about an hour
# (58.5 minutes ± 20 %, core/jobs/queue.py:retry_delay).
@job("email.send", retries=18, retry_delay=2.0, timeout=60, secret_arguments=frozenset({"message"}))
async def send_email_job(context: JobContext, *, message: dict[str, str]) -> None:
    """Deliver one email; raising makes the queue retry with backoff (the links stay valid)."""
    if not await send_email(context.settings, EmailMessage(**message)):
        raise EmailNotSentError(f"email to {message.get('to')} not delivered yet")


def enqueue_email(session: AsyncSession, message: EmailMessage) -> None:
    """Send `message` once `session`'s unit of work commits: the one way application code
    sends email, the same from a request, a job or the CLI."""
    defer_job(session, "email.send", message=asdict(message))
