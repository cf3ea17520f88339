"""Staff password reset by e-mail, sent by the worker: the page answers at once and alike whether or not the
address has an account, and asking is limited per address and per client address.

The queued task carries user ids only. The reset link is made in the worker as the mail goes, and kept nowhere:
not in the task, not in the outbox, not in the log.
"""

import hashlib
import hmac
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from .client_ip import client_ip

logger = logging.getLogger(__name__)
HOUR = 60 * 60


class PasswordResetView(auth_views.PasswordResetView):
    """Django's page and form; only what happens on a valid address differs: a task queued, or nothing."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if within_limits(email, client_ip(self.request)):
            # Looked up and queued the same way for any address: one query, one queued task (maybe of no ids).
            send_password_reset.enqueue([user.pk for user in form.get_users(email)])
        else:
            logger.warning("Password reset refused: too many requests")
        return HttpResponseRedirect(self.get_success_url())


def within_limits(email: str, ip: str) -> bool:
    """Count this request per address and per client address (hour-long counters in the shared cache)."""
    allowed = True
    for kind, value, limit in (
        ("email", email.casefold(), settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR),
        ("ip", ip or "", settings.PASSWORD_RESET_PER_IP_PER_HOUR),
    ):
        if limit <= 0 or not value:
            continue
        digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]
        key = f"password-reset:{kind}:{digest}"
        cache.add(key, 0, HOUR)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, HOUR)
            count = 1
        allowed &= count <= limit
    return allowed


@task()
def send_password_reset(user_ids: list[int]) -> int:
    """The reset e-mail to each of these (active, password-using) users, as Django's PasswordResetForm writes it."""
    site = urlsplit(settings.SITE_URL)
    sent = 0
    for user in get_user_model()._default_manager.filter(pk__in=user_ids, is_active=True):
        if not user.has_usable_password() or not user.email:
            continue
        context = {
            "email": user.email,
            "domain": site.netloc,
            "site_name": site.netloc,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": site.scheme or "https",
        }
        PasswordResetForm().send_mail(
            "registration/password_reset_subject.txt",
            "registration/password_reset_email.html",
            context,
            None,
            user.email,
        )
        sent += 1
    return sent
