"""The user model. Consumers have no account: only professionals and the
administration's staff log in. The email address is the login."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PRO = "pro", _("Professionnel")
    AGENT = "agent", _("Agent DGCCRF")
    FOOD_SAFETY_AGENT = "food_safety_agent", _("Agent de la sécurité sanitaire des aliments")
    ADMIN = "admin", _("Administrateur")
    READONLY_ADMIN = "readonly_admin", _("Administrateur en lecture seule")


# Roles of the administration's staff, who see reports across companies.
STAFF_ROLES = frozenset({Role.AGENT, Role.FOOD_SAFETY_AGENT, Role.ADMIN, Role.READONLY_ADMIN})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("role", Role.PRO)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields["role"] = Role.ADMIN
        fields["is_superuser"] = True
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, email: str) -> "User":
        # Addresses are unique whatever their case: log in with either.
        return self.get(email=self.normalize_email(email))

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return (email or "").strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    # Stored in lower case (see UserManager.normalize_email) so that an exact,
    # indexed lookup finds it; the constraint below guards against a write that
    # would skip the normalisation.
    email = models.EmailField(_("adresse électronique"), max_length=254, unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices, default=Role.PRO)
    is_active = models.BooleanField(
        _("actif"),
        default=True,
        help_text=_("Décochez plutôt que de supprimer le compte : son historique est conservé."),
    )
    date_joined = models.DateTimeField(_("date de création"), default=timezone.now)
    # An agent's departments: their home page and digests start from these.
    departments = models.JSONField(_("départements suivis"), default=list, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = UserManager.normalize_email(self.email)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def is_staff(self) -> bool:
        """Only administrators reach Django's admin site."""
        return self.is_active and self.role in (Role.ADMIN, Role.READONLY_ADMIN)

    def has_perm(self, perm: str, obj=None) -> bool:
        # Permissions follow the role: an administrator may do everything in
        # the admin site, a read-only administrator may look at everything.
        if self.is_active and self.role == Role.ADMIN:
            return True
        if self.is_active and self.role == Role.READONLY_ADMIN:
            return perm.partition(".")[2].startswith("view_")
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.role in (Role.ADMIN, Role.READONLY_ADMIN):
            return True
        return super().has_module_perms(app_label)

    @property
    def is_pro(self) -> bool:
        return self.role == Role.PRO

    @property
    def is_administration_staff(self) -> bool:
        return self.role in STAFF_ROLES


class Invitation(models.Model):
    """An invitation by email to join a company's space (or, for agents, the
    administration's). Only a hash of its token is kept; it is valid
    INVITATION_DAYS and used once."""

    email = models.EmailField(_("adresse électronique"))
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices, default=Role.PRO)
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    level = models.CharField(_("niveau"), max_length=10, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valable jusqu’au"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email


class TOTPDevice(models.Model):
    """The authenticator app of an agent or administrator (RFC 6238 codes)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(_("activé le"), null=True, blank=True)
    # The last time step accepted: a code is never accepted twice.
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("application d’authentification")
        verbose_name_plural = _("applications d’authentification")

    def __str__(self) -> str:
        return str(self.user)


class RecoveryCode(models.Model):
    """A single-use code for when the authenticator app is lost; only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("code de secours")
        verbose_name_plural = _("codes de secours")

    def __str__(self) -> str:
        return str(self.user)


class AuthEventKind(models.TextChoices):
    LOGIN = "login", _("Connexion")
    LOGIN_FAILED = "login_failed", _("Échec de connexion")
    LOCKOUT = "lockout", _("Blocage après trop d’échecs")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Code de vérification erroné")
    PASSWORD_CHANGED = "password_changed", _("Mot de passe changé")
    PASSWORD_RESET = "password_reset", _("Mot de passe choisi après oubli")


class AuthEvent(models.Model):
    """One entry of the authentication log: who (the account, or the login
    typed when it matches none), from which client address, when. Never a
    password or a code."""

    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    kind = models.CharField(_("événement"), max_length=30, choices=AuthEventKind.choices)
    user = models.ForeignKey(
        User,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="auth_events",
    )
    login = models.CharField(_("identifiant saisi"), max_length=254, blank=True)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("événement de connexion")
        verbose_name_plural = _("journal des connexions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.login} ({self.created_at:%Y-%m-%d %H:%M})"
