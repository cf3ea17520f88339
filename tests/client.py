"""Django's test client, posting forms as a browser posts a plain <form>: URL-encoded, not multipart.

No public page takes an upload, so the site refuses multipart bodies outside the admin (web.middleware).
"""

from urllib.parse import urlencode

from django import test

FORM = "application/x-www-form-urlencoded"


class Client(test.Client):
    def post(self, path, data=None, content_type=FORM, **extra):
        if content_type == FORM and isinstance(data, dict):
            data = urlencode(data, doseq=True)
        return super().post(path, data or "", content_type=content_type, **extra)
