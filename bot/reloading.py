"""Knowledge-base reloads that reach every running process (bots and web consoles) within seconds.

A reload asked anywhere (the web console's button, `/reload` in Telegram, SIGHUP) validates the
YAML on disk and swaps it into that process (`Services.reload_knowledge`); if it is valid, it then
bumps a version row in the database. Every process polls that row every few seconds
(KNOWLEDGE_POLL_SECONDS) and reloads when it moved, so no process needs a restart or a signal.
"""
from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from bot.services import ReloadOutcome, Services

logger = logging.getLogger(__name__)


def reload_everywhere(services: Services) -> ReloadOutcome:
    """Reload here; when the new knowledge base is valid, tell the other processes to follow."""
    outcome = services.reload_knowledge()
    log = services.question_log
    if outcome.ok and log is not None:
        from db.log import LogUnavailable

        try:
            services.knowledge_version = log.announce_knowledge_reload()
        except LogUnavailable as exc:
            logger.warning("knowledge reloaded here only; other processes not told: %s", exc)
    return outcome


def follow_reloads(services: Services) -> bool:
    """Reload if another process announced a newer knowledge base; True when this one reloaded."""
    log = services.question_log
    if log is None:
        return False
    from db.log import LogUnavailable

    try:
        version = log.knowledge_version()
    except LogUnavailable:
        return False
    if version <= services.knowledge_version:
        return False
    outcome = services.reload_knowledge()
    services.knowledge_version = version  # an invalid one is not retried every few seconds
    if not outcome.ok:
        for problem in outcome.problems:
            logger.error("knowledge reload announced but invalid here: %s", problem)
    return outcome.ok


def reload_on_sighup(services: Services) -> None:
    """`kill -HUP <pid>` reloads the knowledge base here, and so everywhere (main thread only)."""

    def on_hangup(_signum: int, _frame: Any) -> None:
        # Loading YAML takes a moment: not inside the signal handler.
        threading.Thread(target=_reload_logged, args=(services,), name="sighup-reload", daemon=True).start()

    signal.signal(signal.SIGHUP, on_hangup)


def _reload_logged(services: Services) -> None:
    outcome = reload_everywhere(services)
    if outcome.ok:
        logger.info("SIGHUP: knowledge base reloaded (%d entries)", outcome.entries)
    else:
        for problem in outcome.problems:
            logger.error("SIGHUP: knowledge base kept, the one on disk is invalid: %s", problem)
