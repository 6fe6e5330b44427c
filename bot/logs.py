"""Logging set-up: readable, and never showing a secret, wherever a library puts it."""
from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterable, Iterator

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Replace every secret in the final text, tracebacks included.

    python-telegram-bot puts the token in exception messages (`InvalidToken`) and in request
    URLs, and logs some of them itself: filtering here catches them all, whoever logs.
    """

    def __init__(self, secrets: Iterable[str | None], fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self._secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return text


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is now, not the stream it was when configured."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # set by StreamHandler.__init__; the current one always wins
        pass


@contextlib.contextmanager
def configured_logging(level: int, secrets: Iterable[str | None]) -> Iterator[None]:
    """Log to standard error at `level` with secrets redacted, for the time of one command.

    The previous set-up is restored afterwards, so running `main()` in-process (tests, tools)
    leaves no handler behind. Chatty libraries are held at INFO or above even with -v: HTTP clients
    log request URLs (with the token), python-telegram-bot raw updates (names, ids).
    """
    root = logging.getLogger()
    noisy = [logging.getLogger(name) for name in ("aiohttp", "httpx", "httpcore", "apscheduler", "telegram")]
    saved = (root.level, [(logger, logger.level) for logger in noisy])
    handler = _StderrHandler()
    handler.setFormatter(RedactingFormatter(secrets))
    root.addHandler(handler)
    root.setLevel(level)
    for logger in noisy[:-1]:
        logger.setLevel(logging.WARNING)
    noisy[-1].setLevel(max(level, logging.INFO))
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for logger, old_level in saved[1]:
            logger.setLevel(old_level)
