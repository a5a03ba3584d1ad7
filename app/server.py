"""How ``crm serve`` runs uvicorn: what one connection may cost, and an access log without
secrets.

uvicorn's fast HTTP parser (httptools) has no limit of its own on request headers: a client
could send megabytes of header, slowly, on many connections, and each would be held in
memory. ``LimitedHttpToolsProtocol`` answers 431 and closes as soon as a request's headers
pass ``CRM_MAX_HEADER_BYTES``, and closes a connection whose headers have not arrived within
``CRM_HEADER_TIMEOUT`` seconds."""

import json
import logging
import re
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.config import Settings, get_settings

# The calendar feed's address carries its secret: the access log shows it redacted.
_FEED_TOKEN = re.compile(r"(/calendar/)[^/?\s]+(\.ics)")


def redact_feed_tokens(path: str) -> str:
    return _FEED_TOKEN.sub(r"\1(redacted)\2", path)


class RedactFeedTokens(logging.Filter):
    """For uvicorn's access log, whose third argument is the request's path and query."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_feed_tokens(args[2]), *args[3:])
        return True


def keep_secrets_out_of_the_access_log() -> None:
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactFeedTokens) for f in access_log.filters):
        access_log.addFilter(RedactFeedTokens())


def _refusal(status: int, reason: str, detail: str) -> bytes:
    body = json.dumps(
        {
            "type": f"https://diplomacy-crm.example/problems/{reason.lower().replace(' ', '-')}",
            "title": reason,
            "status": status,
            "detail": detail,
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a cap on the bytes a request's headers may take and
    a deadline for them to arrive. Bytes are counted as they come, before they are parsed;
    a chunk in which a request begins is not counted, so the slack is one read (≤ 256 KiB)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings: Settings = get_settings()
        self.max_header_bytes = settings.max_header_bytes
        self.header_timeout = settings.header_timeout
        self._header_bytes = 0
        self._reading_headers = True
        self._refused = False
        self._header_deadline: Any = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._start_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._reading_headers:
            self._header_bytes += len(data)
            if self._header_bytes > self.max_header_bytes:
                self._refuse(
                    _refusal(
                        431,
                        "Request Header Fields Too Large",
                        f"The request line and headers are limited to {self.max_header_bytes} "
                        "bytes",
                    )
                )
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        self._reading_headers = True
        self._start_header_deadline()

    def on_headers_complete(self) -> None:
        self._reading_headers = False
        self._cancel_header_deadline()
        super().on_headers_complete()

    def _start_header_deadline(self) -> None:
        self._cancel_header_deadline()
        self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_late)

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_late(self) -> None:
        self._header_deadline = None
        busy = self.cycle is not None and not self.cycle.response_complete
        if self._reading_headers and not busy and not self.transport.is_closing():
            self._refuse(
                _refusal(
                    408,
                    "Request Timeout",
                    f"The request headers did not arrive within {self.header_timeout:g} s",
                )
            )

    def _refuse(self, response: bytes) -> None:
        """Answers and stops sending; what the client still sends is read and dropped for a
        moment before closing (closing on unread bytes would reset the connection, and the
        client might never see the answer)."""
        self._refused = True
        self._cancel_header_deadline()
        if self.transport.is_closing():
            return
        self.transport.write(response)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(1.0, self.transport.close)


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The limits ``crm serve`` gives uvicorn."""
    return {
        "http": "app.server:LimitedHttpToolsProtocol",
        # Connections (and requests) one worker takes at once; beyond, uvicorn answers 503.
        "limit_concurrency": settings.max_connections,
        "timeout_keep_alive": 5,
        "timeout_graceful_shutdown": 30,
    }
