"""Rate limits on booking requests created, counted in Django's cache so every app server shares them."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

DAY, HOUR = 24 * 60 * 60, 60 * 60


def client_ip(request) -> str:
    """The connection's address, or the one the trusted proxies say they received (never a client's own claim)."""
    proxies = settings.BOOKING_TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(kind: str, value: str, period: str) -> str:
    # Keys carry a keyed hash, not the phone number or address itself.
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]
    return f"booking-rate:{kind}:{digest}:{period}"


def _counters(*, phone: str, email: str, ip: str):
    now = timezone.localtime()
    day, hour = now.strftime("%Y%m%d"), now.strftime("%Y%m%d%H")
    yield _key("phone", phone, day), settings.BOOKING_RATE_LIMIT_PER_PHONE_PER_DAY, DAY
    if email:
        yield _key("email", email.lower(), day), settings.BOOKING_RATE_LIMIT_PER_EMAIL_PER_DAY, DAY
    if ip:
        yield _key("ip", ip, hour), settings.BOOKING_RATE_LIMIT_PER_IP_PER_HOUR, HOUR


def is_over_limit(*, phone: str, email: str, ip: str) -> bool:
    """True when one more request would pass a limit. A limit of 0 turns that limit off."""
    return any(limit > 0 and cache.get(key, 0) >= limit for key, limit, _ in _counters(phone=phone, email=email, ip=ip))


def count_request(*, phone: str, email: str, ip: str) -> None:
    for key, _, timeout in _counters(phone=phone, email=email, ip=ip):
        cache.add(key, 0, timeout)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout)
