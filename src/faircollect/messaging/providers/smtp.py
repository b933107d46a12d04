"""E-mail over SMTP (smtplib + email). The first line ``Subject: …`` of a body becomes the subject.

The Message-ID is derived from the idempotency key, so receivers that de-duplicate on it see one message; SMTP
itself has no idempotency, so this adapter is not idempotent (an unknown outcome is not resent).
"""

from __future__ import annotations

import re
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from faircollect.messaging.providers.base import (
    AmbiguousError,
    OutgoingMessage,
    PermanentError,
    SendResult,
    TransientError,
)


def split_subject(body: str, default: str) -> tuple[str, str]:
    first, _, rest = body.partition("\n")
    if first.lower().startswith("subject:"):
        return first[len("subject:") :].strip() or default, rest.lstrip("\n")
    return default, body


@dataclass
class SmtpProvider:
    host: str
    port: int = 25
    from_address: str = "noreply@example.com"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    use_ssl: bool = False
    timeout: float = 10.0
    name: str = "smtp"
    idempotent: bool = False

    def build(self, message: OutgoingMessage) -> EmailMessage:
        subject, text = split_subject(message.body, f"{message.lender}")
        em = EmailMessage()
        em["From"] = self.from_address
        em["To"] = message.to
        em["Subject"] = subject
        em["Date"] = formatdate(localtime=False, usegmt=True)
        domain = self.from_address.rpartition("@")[2] or "faircollect.local"
        safe = re.sub(r"[^A-Za-z0-9._-]", "-", message.idempotency_key)
        em["Message-ID"] = f"<{safe}@{domain}>"
        em["X-Faircollect-Verification-Code"] = message.verification_code
        em.set_content(text, charset="utf-8")
        return em

    def send(self, message: OutgoingMessage) -> SendResult:
        em = self.build(message)
        try:
            cls = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
            with cls(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls and not self.use_ssl:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                refused = smtp.send_message(em)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentError(f"recipient refused: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            err = f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"
            raise (TransientError(err) if 400 <= exc.smtp_code < 500 else PermanentError(err)) from exc
        except (smtplib.SMTPConnectError, ConnectionRefusedError) as exc:  # never reached the server
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:  # may have been accepted
            raise AmbiguousError(f"{type(exc).__name__}: {exc}") from exc
        if refused:
            raise PermanentError(f"recipient refused: {refused}")
        return SendResult(str(em["Message-ID"]))
