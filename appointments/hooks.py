"""What the messaging providers tell us (delivery receipts, a patient's STOP) and the patient's opt-out link.

The providers' hooks are signed: a request whose signature does not check out is refused (403) and changes
nothing. They carry no CSRF token (the provider is no browser): the signature is their protection.
"""

import logging

from django.http import Http404, HttpResponse, HttpResponseForbidden, HttpResponseNotAllowed
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .models import BookingRequest, Notification
from .notifications import booking_for_opt_out, withdraw

logger = logging.getLogger(__name__)

State = Notification.State
TEXT_CHANNELS = (Notification.Channel.SMS, Notification.Channel.WHATSAPP)
# A receipt never takes a row back: "delivered" arriving after "read" leaves it read.
RANK = {State.SENT: 0, State.UNKNOWN: 0, State.FAILED: 0, State.DELIVERED: 1, State.READ: 2}
RECEIPT_STATES = {"delivered": State.DELIVERED, "read": State.READ, "failed": State.FAILED}


def text_channel(channel: str) -> str:
    if channel not in TEXT_CHANNELS:
        raise Http404
    return channel


@csrf_exempt
@require_http_methods(["GET", "POST"])
def receipts(request, channel):
    """Delivery receipts: set delivered, read or failed on the row with the provider's message id.

    Meta sends every event of the app to one address, so a patient's STOP on WhatsApp arrives here too; and it
    checks the address once, by GET, before it sends anything (the only GET answered)."""
    from . import channels

    channel = text_channel(channel)
    if request.method == "GET":
        if channel != "whatsapp":
            return HttpResponseNotAllowed(["POST"])
        challenge = channels.whatsapp_subscription_challenge(request)
        return HttpResponseForbidden("Bad token") if challenge is None else HttpResponse(challenge)
    reports = channels.parse_receipt(channel, request)
    if reports is None:
        logger.warning("Refused a %s receipt with a bad signature", channel)
        return HttpResponseForbidden("Bad signature")
    for provider_id, status in reports:
        record_receipt(channel, provider_id, status)
    if channel == "whatsapp" and (numbers := channels.parse_inbound_stop(channel, request)):
        withdraw(BookingRequest.objects.filter(phone__in=numbers), [channel])
    return HttpResponse("OK")


def record_receipt(channel: str, provider_id: str, status: str) -> None:
    state = RECEIPT_STATES.get(status)
    if not provider_id or state is None:
        return
    rows = Notification.objects.filter(channel=channel, provider_message_id=provider_id)
    for row in rows:
        if state == State.FAILED and row.state in (State.SENT, State.UNKNOWN):
            # The provider took it but could not deliver it (a number that does not exist, say): staff call.
            rows.filter(pk=row.pk).update(state=State.FAILED, gave_up=True, last_error=f"Receipt: {status}")
        elif state != State.FAILED and RANK.get(state, 0) > RANK.get(row.state, -1):
            rows.filter(pk=row.pk).update(state=state)


@csrf_exempt
@require_POST
def inbound(request, channel):
    """A patient wrote STOP: no more messages to that number on this channel."""
    from . import channels

    channel = text_channel(channel)
    numbers = channels.parse_inbound_stop(channel, request)
    if numbers is None:
        logger.warning("Refused an inbound %s message with a bad signature", channel)
        return HttpResponseForbidden("Bad signature")
    if numbers:
        withdraw(BookingRequest.objects.filter(phone__in=numbers), [channel])
    return HttpResponse("OK")


@require_http_methods(["GET", "POST"])
def opt_out(request):
    """The link in our messages: a page that asks (a link checker's GET changes nothing), then stops them."""
    token = request.POST.get("t") or request.GET.get("t") or ""
    booking = booking_for_opt_out(token)
    if booking is None:
        return render(request, "appointments/messages_opt_out.html", {"invalid": True}, status=400)
    done = request.method == "POST"
    if done:
        withdraw([booking], [choice for choice, _ in Notification.Channel.choices])
    return render(request, "appointments/messages_opt_out.html", {"token": token, "done": done})
