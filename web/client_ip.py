from django.conf import settings


def client_ip(request):
    """The visitor's address. Behind DJANGO_PROXY_COUNT trusted proxies it is the entry the outermost proxy
    appended to X-Forwarded-For; entries further left were written by the client and prove nothing."""
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if settings.PROXY_COUNT and len(forwarded) >= settings.PROXY_COUNT:
        return forwarded[-settings.PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")
