from django.conf import settings


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
