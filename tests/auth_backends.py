from axes.backends import AxesStandaloneBackend


class LockOutUnlessTestClientLogin(AxesStandaloneBackend):
    """django-axes refuses authenticate() without a request; the test client's login() sends none.
    Every login through a page (the admin's included) has a request and is checked as in production."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
