"""The second factor of the administration's staff: a TOTP authenticator app
(RFC 6238, 30-second codes, one step of clock drift), or one of ten
single-use recovery codes. Password first, then the code: the session is
logged in only once both are right (views.LoginView / otp_verify)."""

import enum
import hmac
import io
import secrets
import time

import pyotp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils import timezone

from accounts.models import RecoveryCode, TOTPDevice, User
from companies.identifiers import digits_only
from signalconso.keys import keyed_hash, keyed_hashes

ISSUER = "SignalConso"
RECOVERY_CODES = 10


RECOVERY_SALT = "accounts.second_factor.recovery"


def device_for_setup(user: User) -> TOTPDevice:
    """The user's unconfirmed device (made if needed) for the setup page."""
    device, _created = TOTPDevice.objects.get_or_create(user=user, defaults={"secret": pyotp.random_base32()})
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


def _step(at: float) -> int:
    return int(at // 30)


@transaction.atomic
class CodeCheck(enum.Enum):
    RIGHT = "right"
    WRONG = "wrong"
    # Right, but already used: the next code must be waited for.
    USED = "used"


def totp_check(device: TOTPDevice, code: str) -> CodeCheck:
    """Whether the code is right for now (±1 step) and was not used before."""
    code = digits_only(code)
    if len(code) != 6:
        return CodeCheck.WRONG
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    totp = pyotp.TOTP(device.secret)
    now = time.time()
    outcome = CodeCheck.WRONG
    for drift in (-1, 0, 1):
        step = _step(now) + drift
        if hmac.compare_digest(totp.at(step * 30), code):
            if step > device.last_step:
                TOTPDevice.objects.filter(pk=device.pk).update(last_step=step)
                return CodeCheck.RIGHT
            outcome = CodeCheck.USED
    return outcome


@transaction.atomic
def device_confirm(device: TOTPDevice, code: str) -> list[str] | None:
    """Turns the device on with a first right code; returns the recovery
    codes to show once (None if the code is wrong)."""
    if totp_check(device, code) != CodeCheck.RIGHT:
        return None
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    return recovery_codes_renew(device.user)


def recovery_codes_renew(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=keyed_hash(RECOVERY_SALT, c)) for c in codes)
    return codes


@transaction.atomic
def recovery_code_use(user: User, code: str) -> bool:
    code = code.strip().lower()
    used = RecoveryCode.objects.filter(
        user=user, code_hash__in=keyed_hashes(RECOVERY_SALT, code), used_at__isnull=True
    ).update(used_at=timezone.now())
    return bool(used)


def needs_second_factor(user: User) -> bool:
    return user.is_administration_staff


def has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
