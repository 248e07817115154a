"""Who may open a view, declared where the view is declared.

Anonymous users are sent to the login page. Somebody signed in whose space
this is not gets a 404, as for a page that does not exist: an outsider
learns nothing. Somebody who may read a page but not act on it gets a 403
when they try.
"""

from collections.abc import Collection
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import STAFF_ROLES, Role

# Who may act on reports: everybody of the staff but the read-only
# administrators, who read everything and change nothing.
ACTING_ROLES = frozenset({Role.AGENT, Role.FOOD_SAFETY_AGENT, Role.ADMIN})
# Website moderation and letters act on every report of a company or a host:
# not for food-safety agents, who see only part of them.
MODERATORS = frozenset({Role.AGENT, Role.ADMIN, Role.READONLY_ADMIN})
ADMINS = frozenset({Role.ADMIN})


def staff_required(
    view=None,
    *,
    roles: Collection[str] = STAFF_ROLES,
    act: Collection[str] = ACTING_ROLES,
    admin_only: bool = False,
):
    """The administration's staff. `roles`: who may open the view (other
    users get 404). `act`: who may POST to it (others get 403); views that
    touch only the user's own things (saved searches, bookmarks, exports)
    let every role of `roles` act. `admin_only`: the whole view, reading
    included, is for administrators (others of `roles` get 403)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_active or user.role not in roles:
                raise Http404
            if admin_only and user.role not in ADMINS:
                raise PermissionDenied
            if request.method == "POST" and user.role not in act:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def pro_required(view):
    """Signed-in professionals only: this space is not anybody else's."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.role != Role.PRO:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
