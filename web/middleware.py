from django.conf import settings
from django.urls import reverse


class SecurityHeadersMiddleware:
    """The headers Django's SecurityMiddleware does not send: Content-Security-Policy and Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in settings.CSP_DIRECTIVES.items())
        self.permissions = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


class NoIndexAdminMiddleware:
    """Keeps the admin out of search engines with a header; robots.txt would only advertise its address."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = None

    def __call__(self, request):
        response = self.get_response(request)
        if self.prefixes is None:
            self.prefixes = (reverse("admin:index"), "/nested_admin/")
        if request.path.startswith(self.prefixes):
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response
