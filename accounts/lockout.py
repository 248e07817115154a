"""Slowing down whoever guesses passwords or codes, without locking out the
account's owner.

Failures are counted in the shared cache over fixed 15-minute windows:

- per account and client address: past LOGIN_FAILURES, that address may not
  try that account again until the window ends. Somebody guessing from
  elsewhere does not stop the owner, who logs in from their own address;
- per client address, whatever the account: past LOGIN_FAILURES_PER_ADDRESS,
  the address is stopped (one machine trying many accounts);
- per account, for the second factor only: a code of 6 digits must not be
  guessed from many addresses, and only somebody who has the password gets
  that far.

A password reset, or an administrator, clears an account's counters: the
message of a refusal says so. The moment a counter reaches its limit, and
each wrong second-factor code, go to the authentication log (auth_log.py).
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts.auth_log import auth_event_record
from accounts.models import AuthEventKind
from signalconso.ratelimit import client_ip

logger = logging.getLogger(__name__)

WINDOW = 15 * 60


def _window() -> int:
    return int(timezone.now().timestamp() // WINDOW)


def _generation(email: str) -> int:
    """Bumped to forget every counter of an account at once."""
    try:
        return cache.get(f"login-generation:{email}") or 0
    except Exception:
        return 0


def _email(email) -> str:
    return str(email or "").strip().lower()


def _pair_key(request, email: str) -> str:
    email = _email(email)
    return f"login-failures:pair:{email}:{_generation(email)}:{client_ip(request)}:{_window()}"


def _address_key(request) -> str:
    return f"login-failures:address:{client_ip(request)}:{_window()}"


def _account_key(user) -> str:
    return f"login-failures:account:{user.pk}:{_generation(_email(user.email))}:{_window()}"


def _count(key: str) -> int | None:
    """Atomic in the shared cache: parallel attempts are all counted. Returns
    the count now (None with the cache down)."""
    try:
        if cache.add(key, 1, timeout=WINDOW + 60):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=WINDOW + 60)
            return 1
    except Exception:
        logger.error("the cache is unreachable: a failed login was not counted", exc_info=True)
        return None


def _reached(key: str, limit: int) -> bool:
    """With the cache down, logins go on (and the outage is logged): locking
    everybody out would be worse than counting nobody for a while."""
    try:
        return (cache.get(key) or 0) >= limit
    except Exception:
        logger.error("the cache is unreachable: login failures are not checked", exc_info=True)
        return False


def login_allowed(request, email) -> bool:
    return not (
        _reached(_pair_key(request, email), settings.LOGIN_FAILURES)
        or _reached(_address_key(request), settings.LOGIN_FAILURES_PER_ADDRESS)
    )


def _failure_count(request, email) -> bool:
    """Counts a failure; true when it is the one that starts a lockout (the
    count reaches its limit: exactly once per window)."""
    pair = _count(_pair_key(request, email)) == settings.LOGIN_FAILURES
    address = _count(_address_key(request)) == settings.LOGIN_FAILURES_PER_ADDRESS
    return pair or address


def login_failed(request, email) -> None:
    if _failure_count(request, email):
        auth_event_record(kind=AuthEventKind.LOCKOUT, request=request, login=_email(email))


def login_succeeded(request, email) -> None:
    """The owner is in: their address's failures on the account are forgotten."""
    cache.delete(_pair_key(request, email))


def second_factor_allowed(request, user) -> bool:
    return login_allowed(request, user.email) and not _reached(_account_key(user), settings.LOGIN_FAILURES)


def second_factor_failed(request, user) -> None:
    auth_event_record(kind=AuthEventKind.SECOND_FACTOR_FAILED, request=request, user=user)
    locked = _failure_count(request, user.email)
    locked = _count(_account_key(user)) == settings.LOGIN_FAILURES or locked
    if locked:
        auth_event_record(kind=AuthEventKind.LOCKOUT, request=request, user=user)


def lockout_clear(email) -> None:
    """Forgets every failure counted against the account (a password reset,
    an administrator's decision)."""
    email = _email(email)
    key = f"login-generation:{email}"
    if not cache.add(key, 1, timeout=None):
        cache.incr(key)
