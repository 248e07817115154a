"""Keyed hashes of the secrets we must recognise but never keep (codes sent
by email or post, recovery codes): Django's salted_hmac, one salt for each
use, so that a hash made for one purpose means nothing for another.

A new SECRET_KEY with the old one in SECRET_KEY_FALLBACKS keeps every code
already sent working: a hash is checked against every key.
"""

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac


def keyed_hash(salt: str, value: str) -> str:
    """The hash to store, made with the current key."""
    return salted_hmac(salt, value, algorithm="sha256").hexdigest()


def keyed_hashes(salt: str, value: str) -> list[str]:
    """The hashes `value` may be stored as: with the current key first, then
    with each fallback key."""
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [salted_hmac(salt, value, secret=key, algorithm="sha256").hexdigest() for key in keys]


def keyed_hash_matches(salt: str, value: str, stored: str) -> bool:
    return any(constant_time_compare(candidate, stored) for candidate in keyed_hashes(salt, value))
