"""Headers every response carries beyond Django's own."""

from csp.constants import UNSAFE_INLINE
from django.conf import settings
from django.urls import reverse


class SecurityHeadersMiddleware:
    """The Permissions-Policy of every page. The admin site's own templates
    set a few styles inline: its CSP allows those, nothing else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.path.startswith(reverse("admin:index")):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return response
