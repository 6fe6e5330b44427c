"""`biovaliance-bot console`: serve the web console with uvicorn until SIGINT or SIGTERM."""
from __future__ import annotations

import logging
import signal
import sys
from typing import Any

import uvicorn

from bot.console.app import build_console
from bot.reloading import reload_on_sighup
from bot.services import Services

logger = logging.getLogger(__name__)


def serve(services: Services) -> None:
    """Listen on CONSOLE_HOST:CONSOLE_PORT; follow knowledge reloads of other processes; SIGHUP reloads."""
    settings = services.settings
    app = build_console(services, follow_reloads_every=settings.knowledge_poll_seconds)
    reload_on_sighup(services)  # uvicorn only takes over SIGINT and SIGTERM
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again under the handler
    # found at start: this one ends the process with status 0, as a hosting platform expects.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    logger.info("web console on http://%s:%s (public address %s)", settings.console_host, settings.console_port,
                settings.console_base_url)
    # proxy_headers stays off: the client address (sign-in rate limit) is the connection's own
    # unless FORWARDED_ALLOW_IPS is set for a trusted proxy.
    uvicorn.run(app, host=settings.console_host, port=settings.console_port, log_level="warning",
                access_log=False, server_header=False)


def _exit_cleanly(_signum: int, _frame: Any) -> None:
    logger.info("web console stopped")
    sys.exit(0)
