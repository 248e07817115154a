from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts import lockout
from accounts.auth_log import auth_event_record
from accounts.models import AuthEvent, AuthEventKind, Invitation, RecoveryCode, TOTPDevice, User


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "role"]


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name"]}),
        (_("Accès"), {"fields": ["role", "is_active"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "role", "usable_password", "password1", "password2"],
            },
        ),
    ]
    filter_horizontal = []
    actions = ["clear_login_lockout"]

    def user_change_password(self, request, id, form_url=""):
        """A password set by an administrator goes to the authentication log
        too: Django's page sends to the user's page once it is saved."""
        response = super().user_change_password(request, id, form_url)
        saved = request.method == "POST" and response.status_code == 302 and response.url != request.get_full_path()
        user = self.get_object(request, unquote(id)) if saved else None
        if user is not None:
            auth_event_record(kind=AuthEventKind.PASSWORD_CHANGED, request=request, user=user)
        return response

    @admin.action(description=_("Lever le blocage des connexions"), permissions=["change"])
    def clear_login_lockout(self, request, queryset):
        for user in queryset:
            lockout.lockout_clear(user.email)
        self.message_user(request, _("Les essais manqués de ces comptes sont oubliés."))


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    """To reset a lost authenticator: delete the row, and the agent sets up a
    new app at their next login."""

    list_display = ["user", "confirmed_at"]
    search_fields = ["user__email"]
    fields = ["user", "confirmed_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        RecoveryCode.objects.filter(user=obj.user).delete()
        super().delete_model(request, obj)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "company", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    fields = [
        "email",
        "role",
        "company",
        "level",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(AuthEvent)
class AuthEventAdmin(admin.ModelAdmin):
    """The authentication log, read only: nobody adds, changes or deletes an entry."""

    list_display = ["created_at", "kind", "login", "user", "ip"]
    list_filter = ["kind", "created_at"]
    search_fields = ["login", "ip", "user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    fields = ["created_at", "kind", "login", "user", "ip"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
