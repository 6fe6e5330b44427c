"""Logging set-up: readable, and never showing a secret, wherever a library puts it."""
from __future__ import annotations

import logging
from collections.abc import Iterable

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


def configure_logging(level: int, secrets: Iterable[str | None]) -> None:
    """Log to standard error at `level`, with secrets redacted; chatty libraries held at INFO+."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(secrets))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h.formatter, RedactingFormatter)]:
        root.removeHandler(old)  # configured again (tests call main() many times): one handler only
    root.addHandler(handler)
    root.setLevel(level)
    # Even with -v: httpx logs request URLs, and python-telegram-bot raw updates (names, ids).
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(max(level, logging.INFO))
