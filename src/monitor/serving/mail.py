"""The weekly briefing by email (`monitor digest --send`): who gets what, the message (HTML and
text, the PDF attached), and sending with retries. Recipients come from config.toml's
[access.users]: district staff get the district's briefing, each principal their own school's
(one per school they lead), the same scope the dashboard enforces; viewers get none. The SMTP
server is [digest]'s; its password is read from the environment variable it names. A message
that cannot be sent is tried again (`retries`, waiting `retry_wait_seconds` longer each time)
and then reported, never dropped silently."""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from monitor.config import Digest, Settings
from monitor.views import briefing as briefings

DISTRICT = "district"


@dataclass(frozen=True)
class Recipient:
    email: str
    where: str              # DISTRICT, or a school code


def recipients(settings: Settings) -> list[Recipient]:
    """Everyone in [access.users] a briefing is for: district staff the district's, each
    principal each of their schools'."""
    found = []
    for email, user in sorted(settings.access.users.items()):
        if user.role == "district":
            found.append(Recipient(email, DISTRICT))
        elif user.role == "principal":
            found += [Recipient(email, school) for school in user.schools]
    return found


def message(briefing: briefings.Briefing, to: str, sender: str, pdf: bytes) -> EmailMessage:
    """The briefing as one email: text and HTML, its PDF attached."""
    mail = EmailMessage()
    mail["Subject"] = briefing.subject
    mail["From"] = sender
    mail["To"] = to
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content(briefings.as_text(briefing))
    mail.add_alternative(briefings.as_html(briefing), subtype="html")
    name = "".join(c if c.isalnum() else "-" for c in briefing.place).strip("-").lower()
    mail.add_attachment(pdf, maintype="application", subtype="pdf",
                        filename=f"briefing-{name or briefing.where}-{briefing.as_of}.pdf")
    return mail


@dataclass(frozen=True)
class Sent:
    to: str
    subject: str
    ok: bool
    attempts: int
    error: str = ""


def send(mails: list[EmailMessage], digest: Digest, password: str | None,
         wait: Callable[[float], None] = time.sleep) -> list[Sent]:
    """Send each message on a connection of its own, trying again up to `digest.retries`
    times on any SMTP or network error; one result per message."""
    results = []
    for mail in mails:
        error = ""
        for attempt in range(1, digest.retries + 1):
            try:
                with smtplib.SMTP(digest.host, digest.port, timeout=30) as smtp:
                    if digest.starttls:
                        smtp.starttls(context=ssl.create_default_context())
                    if digest.user:
                        smtp.login(digest.user, password or "")
                    smtp.send_message(mail)
            except (smtplib.SMTPException, OSError) as exc:
                error = f"{type(exc).__name__}: {exc}"
                if attempt < digest.retries:
                    wait(digest.retry_wait_seconds * attempt)
                continue
            results.append(Sent(mail["To"], mail["Subject"], True, attempt))
            break
        else:
            results.append(Sent(mail["To"], mail["Subject"], False, digest.retries, error))
    return results
