"""SMS through MSG91's send-SMS API (v2), with India's DLT fields on every message.

MSG91 signs no webhook: its delivery reports and inbound messages are accepted only with SMS_WEBHOOK_SECRET as the
`token` query parameter, compared in constant time.
"""

import json

from django.conf import settings

from .base import OutgoingMessage, SendFailed, digits_for, e164, is_stop, post, rendered, same_secret

MAX_VARIABLE = 40  # characters: MSG91 refuses a longer DLT variable
TRANSACTIONAL_ROUTE = "4"
# MSG91's error codes (type "error"): these will not go however often they are retried.
PERMANENT = {
    "101": "a field is missing", "102": "the text is missing", "103": "the sender id is missing",
    "106": "the auth key is missing", "107": "the route is missing", "202": "invalid mobile number",
    "203": "invalid sender id", "207": "invalid auth key", "208": "this address is blacklisted",
    "302": "the account has expired", "303": "the account is banned", "310": "the text is too long",
    "311": "the same request twice within 10 seconds", "418": "this address is not whitelisted",
    "505": "a demo account",
}  # fmt: skip
# These clear up by themselves or once staff act (a top-up); worth retrying later.
PASSING = {"301": "insufficient balance", "306": "the route is unavailable now"}
DELIVERED, FAILED = {"1"}, {"2", "9", "16", "17", "25", "26"}  # a report's status: delivered; failed/NDNC/rejected


def check_variable_lengths(params):
    if any(len(str(param)) > MAX_VARIABLE for param in params):
        raise SendFailed(f"A value is longer than {MAX_VARIABLE} characters.", retry=False, code="variable-too-long")


def request_body(message: OutgoingMessage) -> dict:
    check_variable_lengths(message.params)
    text = rendered(message)
    return {
        "sender": settings.MSG91_SENDER_ID,
        "route": TRANSACTIONAL_ROUTE,
        "country": "91",  # DLT is India's; the numbers carry their country code as well
        "unicode": 0 if text.isascii() else 1,
        "DLT_TE_ID": message.template.provider_template_id,
        "PE_ID": settings.DLT_ENTITY_ID,
        "sms": [{"message": text, "to": [digits_for(message)]}],
    }


def send(message: OutgoingMessage) -> str:
    body = request_body(message)
    headers = {"authkey": settings.MSG91_AUTH_KEY, "accept": "application/json"}
    response = post(f"{settings.MSG91_BASE_URL}/api/v2/sendsms", json=body, headers=headers, provider="MSG91")
    status = response.status_code
    if status == 429 or status >= 500:
        raise SendFailed(f"MSG91 answered HTTP {status}.", retry=True, code=f"http-{status}")
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    answer = answer if isinstance(answer, dict) else {}
    if response.is_success and answer.get("type") == "success" and answer.get("message"):
        return str(answer["message"])
    raise refused(status, answer)


def refused(status: int, answer: dict) -> SendFailed:
    code = str(answer.get("code") or f"http-{status}")
    if code in PASSING:
        return SendFailed(f"MSG91: {PASSING[code]}.", retry=True, code=code)
    reason = PERMANENT.get(code, "refused the message")
    return SendFailed(f"MSG91: {reason}.", retry=False, code=code)


def authentic(request) -> bool:
    return same_secret(request.GET.get("token", ""), settings.SMS_WEBHOOK_SECRET)


def payload(request):
    """MSG91 posts a form field `data` holding JSON, or JSON itself."""
    raw = request.POST.get("data") if request.content_type != "application/json" else request.body
    try:
        return json.loads(raw or "null")
    except (ValueError, UnicodeDecodeError):
        return None


def parse_receipt(request) -> list[tuple[str, str]] | None:
    if not authentic(request):
        return None
    data = payload(request)
    receipts = []
    for entry in data if isinstance(data, list) else []:
        reports = entry.get("report") if isinstance(entry, dict) else None
        for report in reports if isinstance(reports, list) else []:
            status = str(report.get("status", "")) if isinstance(report, dict) else ""
            outcome = "delivered" if status in DELIVERED else "failed" if status in FAILED else None
            if outcome and entry.get("requestId"):
                receipts.append((str(entry["requestId"]), outcome))
    return receipts


def parse_inbound_stop(request) -> list[str] | None:
    """An inbound SMS forwarded by MSG91 (virtual number with keyword STOP): fields `number` and `message`."""
    if not authentic(request):
        return None
    fields = request.POST if request.method == "POST" else request.GET
    text = fields.get("message") or fields.get("keyword") or ""
    number = e164(fields.get("number", ""))
    return [number] if number and is_stop(text) else []
