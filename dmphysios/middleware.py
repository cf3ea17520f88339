from django.urls import reverse


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
