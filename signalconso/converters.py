"""What a URL may carry where it names a report or an establishment: a
reference (SC-26-ABC123) or a SIRET (14 digits). Anything else is no such
object, and the page answers 404 before any query is made."""

from django.urls import register_converter


class ReferenceConverter:
    regex = r"[A-Za-z0-9-]{1,20}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SiretConverter:
    regex = r"[0-9]{14}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def register() -> None:
    register_converter(ReferenceConverter, "reference")
    register_converter(SiretConverter, "siret")
