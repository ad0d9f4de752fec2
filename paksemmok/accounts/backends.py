"""Sign-in budget per client IP across usernames (password spraying).

django-axes locks a username from one address after AXES_FAILURE_LIMIT wrong passwords;
that does not slow an attacker who tries a few passwords on each of many NIKs. This backend,
first in AUTHENTICATION_BACKENDS, refuses every sign-in from an address whose failed
attempts in the window reached ACCOUNTS_SIGNIN_IP_FAILURE_LIMIT (a higher number than axes':
carriers put many phones behind one address). Failures are counted by the
`user_login_failed` receiver below, for the page and the API token alike.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest

from .throttle import hit, over

SCOPE = "signin-failed"


class SignInIpBudgetBackend:
    """Only refuses; never authenticates anyone, and has no get_user() on purpose, so that no
    session (nor the test client's force_login) is ever tied to it."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        if request is None:
            return None
        wait = over(SCOPE, request, settings.ACCOUNTS_SIGNIN_IP_FAILURE_LIMIT)
        if wait:
            # The same answer as an axes lockout (its middleware renders the 429 page; the API
            # token view answers `locked_out`), with this budget's own waiting time.
            request.axes_locked_out = True
            request.signin_ip_wait = wait
            raise PermissionDenied
        return None


@receiver(user_login_failed)
def count_failed_sign_in(sender: Any, credentials: dict, request: HttpRequest | None = None, **kw):
    if request is not None:
        hit(SCOPE, request, settings.ACCOUNTS_SIGNIN_IP_FAILURE_LIMIT)
