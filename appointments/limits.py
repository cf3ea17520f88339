"""Rate limits on booking requests created, counted in Django's cache so every app server shares them."""

import hashlib
import hmac
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

DAY, HOUR = 24 * 60 * 60, 60 * 60
# Gmail delivers a.b@gmail.com, ab@gmail.com and ab@googlemail.com to one mailbox.
GMAIL = {"gmail.com", "googlemail.com"}


def _key(kind: str, value: str, period: str) -> str:
    # Keys carry a keyed hash, not the phone number or address itself.
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]
    return f"booking-rate:{kind}:{digest}:{period}"


def _counters(*, phone: str, email: str, ip: str):
    now = timezone.localtime()
    day, hour = now.strftime("%Y%m%d"), now.strftime("%Y%m%d%H")
    yield _key("phone", phone, day), settings.BOOKING_RATE_LIMIT_PER_PHONE_PER_DAY, DAY
    if email:
        yield _key("email", mailbox(email), day), settings.BOOKING_RATE_LIMIT_PER_EMAIL_PER_DAY, DAY
    if ip:
        yield _key("ip", ip, hour), settings.BOOKING_RATE_LIMIT_PER_IP_PER_HOUR, HOUR


def mailbox(email: str) -> str:
    """The mailbox an address delivers to, so that its other spellings count as one: case folded, a "+tag" dropped
    (a+1@… is a@…), Gmail's dots and its other domain dropped, the domain in its ASCII (punycode) form. The request
    keeps the address as typed."""
    local, _, domain = unicodedata.normalize("NFKC", email).casefold().rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:  # not a name IDNA can spell; count it as written
        pass
    local = local.split("+", 1)[0]
    if domain in GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


class OverLimit(Exception):
    """One more request would pass a rate limit."""


def reserve(*, phone: str, email: str, ip: str) -> list[str]:
    """Count one more request against every limit, before it is committed; the keys counted, for `release`.

    Counting with the cache's atomic increment, rather than checking then counting, lets no burst slip through.
    When the new count passes a limit, nothing stays counted and OverLimit is raised. A limit of 0 is off.
    """
    counted = []
    for key, limit, timeout in _counters(phone=phone, email=email, ip=ip):
        if limit <= 0:
            continue
        cache.add(key, 0, timeout)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout)
            count = 1
        counted.append(key)
        if count > limit:
            release(counted)
            raise OverLimit
    return counted


def release(keys: list[str]) -> None:
    """Take back a count: the request it was for was not saved after all."""
    for key in keys:
        try:
            cache.decr(key)
        except ValueError:  # expired meanwhile: nothing left to take back
            pass
