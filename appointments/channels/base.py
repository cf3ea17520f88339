"""What every provider shares: the message, the one failure, and the helpers that keep numbers out of logs."""

import hmac
import re
from dataclasses import dataclass, field

import httpx
import phonenumbers
from django.conf import settings

from ..models import MessageTemplate

E164 = re.compile(r"^\+[1-9]\d{7,14}$")
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE"}


@dataclass(frozen=True)
class OutgoingMessage:
    channel: str  # "sms" | "whatsapp"
    to: str  # E.164, e.g. "+919876543210"
    template: MessageTemplate
    params: list[str] = field(default_factory=list)
    idempotency_key: str = ""


class SendFailed(Exception):
    """The provider did not take the message. `retry` says whether trying again later can help."""

    def __init__(self, message: str, *, retry: bool, code: str):
        super().__init__(message)
        self.retry = retry
        self.code = code


def masked(number: str) -> str:
    """Enough of a number to tell two apart in a log, never enough to call it."""
    return f"…{number[-2:]}" if len(number) > 4 else "…"


def digits_for(message: OutgoingMessage) -> str:
    """The number as the providers take it: country code and number, no plus."""
    if not E164.match(message.to):
        raise SendFailed("The number is not in E.164 form.", retry=False, code="invalid-number")
    return message.to[1:]


def rendered(message: OutgoingMessage) -> str:
    if not message.template.is_active:
        raise SendFailed("The template is switched off.", retry=False, code="template-inactive")
    try:
        return message.template.render(message.params)
    except ValueError:
        raise SendFailed("The template takes another number of values.", retry=False, code="template-params") from None


def post(url: str, *, json: dict, headers: dict, provider: str) -> httpx.Response:
    """POST with the messaging timeout; a timeout or a broken connection is worth retrying."""
    try:
        return httpx.post(url, json=json, headers=headers, timeout=settings.MESSAGING_TIMEOUT_SECONDS)
    except httpx.TimeoutException:
        raise SendFailed(f"{provider} did not answer in time.", retry=True, code="timeout") from None
    except httpx.TransportError:
        raise SendFailed(f"{provider} could not be reached.", retry=True, code="connection") from None


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison; an unset secret matches nothing."""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def is_stop(text: str) -> bool:
    words = re.sub(r"[^\w\s]", " ", text or "").upper().split()
    return bool(words) and words[0] in STOP_WORDS


def e164(raw: str) -> str | None:
    """A sender's number as the providers report it (digits, maybe no country code) in E.164; None if not one."""
    raw = str(raw or "").strip()
    candidate = raw if raw.startswith("+") else (f"+{raw}" if len(raw) > 10 else raw)
    try:
        parsed = phonenumbers.parse(candidate, "IN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
