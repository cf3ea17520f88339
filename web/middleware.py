from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from .views import fallback_phone


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


class NoUploadsMiddleware:
    """Refuses multipart bodies outside the admin: no public page takes a file, so none is read or spooled to disk.

    Above the CSRF middleware, which would otherwise parse the body to find its token.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin = None

    def __call__(self, request):
        if self.admin is None:
            self.admin = reverse("admin:index")
        if request.content_type == "multipart/form-data" and not request.path.startswith(self.admin):
            response = render(None, "400.html", fallback_phone())
            response.status_code = 415
            return response
        return self.get_response(request)
