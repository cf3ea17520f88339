"""SMS and WhatsApp: one small interface, the provider for each channel chosen by settings.

`send` returns the provider's message id or raises SendFailed; the webhooks' parsers return None when the request's
signature (WhatsApp) or secret token (MSG91, which signs nothing) is wrong, so the view answers 403.
"""

from django.conf import settings

from . import console, meta, msg91
from .base import OutgoingMessage, SendFailed

__all__ = [
    "OutgoingMessage", "SendFailed", "configured_channels", "parse_inbound_stop", "parse_receipt", "send",
    "whatsapp_subscription_challenge",
]  # fmt: skip

PROVIDERS = {"sms": {"console": console, "msg91": msg91}, "whatsapp": {"console": console, "meta": meta}}
SETTINGS = {"sms": "SMS_PROVIDER", "whatsapp": "WHATSAPP_PROVIDER"}
# Each channel's webhooks come from its real provider, whichever sends today.
WEBHOOKS = {"sms": msg91, "whatsapp": meta}


def provider(channel: str):
    """The module that sends on this channel, or None when the channel is off ("none") or unknown."""
    return PROVIDERS.get(channel, {}).get(getattr(settings, SETTINGS.get(channel, ""), "none"))


def configured_channels() -> list[str]:
    return [channel for channel in PROVIDERS if provider(channel)]


def send(message: OutgoingMessage) -> str:
    sender = provider(message.channel)
    if sender is None:
        raise SendFailed(f"No provider is configured for {message.channel}.", retry=False, code="not-configured")
    if message.template.channel != message.channel:
        raise SendFailed("The template belongs to another channel.", retry=False, code="template-channel")
    return sender.send(message)


def parse_receipt(channel: str, request) -> list[tuple[str, str]] | None:
    """[(provider message id, "delivered" | "read" | "failed")], or None when the request is not the provider's."""
    webhook = WEBHOOKS.get(channel)
    return webhook.parse_receipt(request) if webhook else None


def parse_inbound_stop(channel: str, request) -> list[str] | None:
    """The E.164 numbers that replied STOP, or None when the request is not the provider's."""
    webhook = WEBHOOKS.get(channel)
    return webhook.parse_inbound_stop(request) if webhook else None


def whatsapp_subscription_challenge(request) -> str | None:
    """The text to answer Meta's GET that sets up the webhook, or None (answer 403)."""
    return meta.subscription_challenge(request)
