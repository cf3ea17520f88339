"""WhatsApp through Meta's Cloud API: pre-approved templates by name, language and body parameters.

Webhooks are signed: X-Hub-Signature-256 is "sha256=" and the HMAC-SHA256 of the raw body with the app secret.
"""

import hashlib
import hmac
import json

from django.conf import settings

from .base import OutgoingMessage, SendFailed, digits_for, e164, is_stop, post, rendered, same_secret

# Meta's error codes that clear up by themselves: throttling, and its own temporary failures.
PASSING = {"1", "2", "4", "80007", "130429", "131000", "131016", "131048", "131056", "133004"}
STATUSES = {"delivered", "read", "failed"}  # "sent" only says it left Meta


def request_body(message: OutgoingMessage) -> dict:
    rendered(message)  # checks the count of parameters against the registered text
    template = {"name": message.template.provider_template_id, "language": {"code": message.template.language}}
    if message.params:
        parameters = [{"type": "text", "text": str(param)} for param in message.params]
        template["components"] = [{"type": "body", "parameters": parameters}]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": digits_for(message),
        "type": "template",
        "template": template,
        # Meta takes no idempotency key; this comes back on each status webhook, to tell our rows apart.
        "biz_opaque_callback_data": message.idempotency_key,
    }


def send(message: OutgoingMessage) -> str:
    url = f"{settings.META_GRAPH_BASE_URL}/{settings.META_WHATSAPP_PHONE_NUMBER_ID}/messages"
    headers = {"Authorization": f"Bearer {settings.META_WHATSAPP_TOKEN}"}
    response = post(url, json=request_body(message), headers=headers, provider="Meta")
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.is_success:
        try:
            return str(answer["messages"][0]["id"])
        except (KeyError, IndexError, TypeError):
            raise SendFailed("Meta's answer had no message id.", retry=False, code="bad-response") from None
    raise refused(response.status_code, answer)


def refused(status: int, answer: dict) -> SendFailed:
    error = answer.get("error") if isinstance(answer, dict) else None
    code = str(error.get("code")) if isinstance(error, dict) and error.get("code") else f"http-{status}"
    retry = code in PASSING or status == 429 or status >= 500
    return SendFailed(f"Meta refused the message (HTTP {status}, code {code}).", retry=retry, code=code)


def signed_payload(request):
    """The webhook's JSON when its signature is right; None when it is not."""
    if not settings.META_APP_SECRET:
        return None
    expected = "sha256=" + hmac.new(settings.META_APP_SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    if not same_secret(request.headers.get("X-Hub-Signature-256", ""), expected):
        return None
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return {}


def values(data) -> list[dict]:
    """Each change's `value` in Meta's envelope: entry[].changes[].value."""
    found = []
    for entry in data.get("entry", []) if isinstance(data, dict) else []:
        for change in entry.get("changes", []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            found += [value] if isinstance(value, dict) else []
    return found


def items(value: dict, key: str) -> list[dict]:
    listed = value.get(key)
    return [item for item in listed if isinstance(item, dict)] if isinstance(listed, list) else []


def parse_receipt(request) -> list[tuple[str, str]] | None:
    data = signed_payload(request)
    if data is None:
        return None
    return [
        (str(status["id"]), status["status"])
        for value in values(data)
        for status in items(value, "statuses")
        if status.get("id") and status.get("status") in STATUSES
    ]


def message_text(message: dict) -> str:
    """A typed reply, or a quick-reply button's payload or label."""
    if message.get("type") == "text" and isinstance(message.get("text"), dict):
        return str(message["text"].get("body", ""))
    if message.get("type") == "button" and isinstance(message.get("button"), dict):
        return str(message["button"].get("payload") or message["button"].get("text") or "")
    return ""


def parse_inbound_stop(request) -> list[str] | None:
    data = signed_payload(request)
    if data is None:
        return None
    numbers = [
        e164(message.get("from", ""))
        for value in values(data)
        for message in items(value, "messages")
        if is_stop(message_text(message))
    ]
    return [number for number in numbers if number]


def subscription_challenge(request) -> str | None:
    """Meta's one-off GET when the webhook is set up: echo hub.challenge if the verify token matches."""
    token_ok = same_secret(request.GET.get("hub.verify_token", ""), settings.META_WEBHOOK_VERIFY_TOKEN)
    if request.GET.get("hub.mode") == "subscribe" and token_ok:
        return request.GET.get("hub.challenge", "")
    return None
