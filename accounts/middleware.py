import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _


class StaffIdleTimeoutMiddleware:
    """Logs out an agent or administrator idle for STAFF_IDLE_MINUTES."""

    KEY = "staff_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_administration_staff:
            now = time.time()
            last = request.session.get(self.KEY)
            if last is not None and now - last > settings.STAFF_IDLE_MINUTES * 60:
                logout(request)
                messages.info(request, _("Vous avez été déconnecté après une période sans activité."))
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")
            request.session[self.KEY] = now
        return self.get_response(request)
