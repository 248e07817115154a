"""The authentication log: sign-ins, failures, lockouts, wrong second-factor
codes, password changes and resets, each with its time, the client's address
and the account (or the login typed, when it names none). The administrators
read it in the admin site; nobody can change it there.

Sign-ins and failures come from Django's own signals (user_logged_in,
user_login_failed: every way into an account goes through them); the rest is
recorded where it happens (accounts/lockout.py, the password views). Django
hands the failure signal its credentials with the password already masked;
only the login is kept from them. Entries are kept AUTH_LOG_DAYS, then purged
by a daily task.
"""

from datetime import timedelta
from ipaddress import ip_address

from django.utils import timezone

from accounts.models import AuthEvent, AuthEventKind, User, UserManager
from signalconso.ratelimit import client_ip

LOGIN_MAX = AuthEvent._meta.get_field("login").max_length


def _address(request) -> str | None:
    """The client's address, or nothing when what came is not one (a forged
    X-Forwarded-For is the client's to choose)."""
    if request is None:
        return None
    try:
        return str(ip_address(client_ip(request)))
    except ValueError:
        return None


def auth_event_record(*, kind: AuthEventKind, request=None, user: User | None = None, login: str = "") -> AuthEvent:
    """Writes one entry. `login` is what was typed; the account is looked up
    from it when not given, so an account's entries can be listed together."""
    login = UserManager.normalize_email(login or (user.email if user is not None else ""))[:LOGIN_MAX]
    if user is None and login:
        user = User.objects.filter(email=login).first()
    return AuthEvent.objects.create(kind=kind, user=user, login=login, ip=_address(request))


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    auth_event_record(kind=AuthEventKind.LOGIN, request=request, user=user)


def on_user_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Only the login: the other credentials are the password, masked or not.
    login = credentials.get("username") or credentials.get("email") or ""
    auth_event_record(kind=AuthEventKind.LOGIN_FAILED, request=request, login=str(login))


def auth_events_purge(*, days: int) -> int:
    """Deletes the entries older than `days`; returns how many. Run twice, the
    second deletes nothing."""
    deleted, _ = AuthEvent.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
