"""A small client for ClamAV's daemon (clamd), over its INSTREAM command.

ANTIVIRUS_URL is unix:///path/to/clamd.socket or tcp://host:3310. The file
is streamed in chunks, so memory stays constant whatever its size.
"""

import socket
import struct
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

CHUNK_SIZE = 64 * 1024


class AntivirusUnavailable(Exception):
    """clamd could not give a verdict (down, unreachable, or an error): try later."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    signature: str = ""


def _connect(url: str, timeout: float) -> socket.socket:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(parts.path)
        return sock
    if parts.scheme == "tcp":
        return socket.create_connection((parts.hostname, parts.port or 3310), timeout=timeout)
    raise AntivirusUnavailable(f"ANTIVIRUS_URL must start with unix:// or tcp://, not {url!r}")


def scan(stream, url: str | None = None) -> Verdict:
    """Sends a file object to clamd and returns its verdict."""
    url = url or settings.ANTIVIRUS_URL
    if not url:
        raise AntivirusUnavailable("no ANTIVIRUS_URL is set")
    try:
        with _connect(url, settings.ANTIVIRUS_TIMEOUT) as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK_SIZE):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while part := sock.recv(4096):
                reply += part
    except OSError as error:
        raise AntivirusUnavailable(f"clamd at {url}: {error}") from error
    return parse_reply(reply.rstrip(b"\0").decode("utf-8", "replace").strip())


def parse_reply(reply: str) -> Verdict:
    """`stream: OK`, `stream: <signature> FOUND` or `<message> ERROR`."""
    result = reply.split(":", 1)[-1].strip()
    if result == "OK":
        return Verdict(infected=False)
    if result.endswith(" FOUND"):
        return Verdict(infected=True, signature=result.removesuffix(" FOUND").strip())
    raise AntivirusUnavailable(f"clamd answered {reply!r}")


def ping(url: str | None = None) -> bool:
    url = url or settings.ANTIVIRUS_URL
    try:
        with _connect(url, 5) as sock:
            sock.sendall(b"zPING\0")
            return sock.recv(16).rstrip(b"\0") == b"PONG"
    except (OSError, AntivirusUnavailable):
        return False
