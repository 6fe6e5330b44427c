"""The only wiring point: build the Telegram `Application` from Settings and Services, and run it.

Production (`biovaliance-bot run`) and the end-to-end tests build the bot with the same
`build_application`; the tests only point `TELEGRAM_API_URL` at a local Bot API server.
"""
from __future__ import annotations

import asyncio
import logging
import re
import signal
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults

from bot.bot_api_http import AiohttpRequest
from bot.config import ConfigError, Settings
from bot.handlers import ALLOWED_UPDATES, register
from bot.handlers.commands import publish_commands
from bot.handlers.busy import TYPING_AFTER_S
from bot.handlers.context import DEBOUNCE, FLOOD, RELAY_FLOOD, SEEN_UPDATES, SERVICES, TYPING_AFTER, BotContext
from bot.handlers.flood import Debouncer, FloodGuard
from bot.handlers.manners import SeenUpdates
from bot.reloading import reload_on_sighup
from bot import webhook as strict_webhook
from bot.services import Services

logger = logging.getLogger(__name__)

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class RetryingRateLimiter(AIORateLimiter):
    """python-telegram-bot's rate limiter (30 messages/s overall, 20/min per group, waits out a 429's
    retry_after), which also retries a request that failed on the network: a 5xx from Telegram or
    no answer within the read timeout.

    A request that timed out may have reached Telegram, so a retry can, rarely, deliver a message
    twice; for a visitor waiting for an answer, twice is better than never. Not so for
    answerCallbackQuery: a query can be answered once, a retry after a lost reply only fails (or,
    with a 5xx, shows the toast twice), and the button stops spinning on its own anyway.
    """

    NEVER_RETRIED = frozenset({"answercallbackquery"})

    def __init__(self, *, max_retries: int, network_retries: int, backoff: float = 0.5,
                 overall_max_rate: float = 30, group_max_rate: float = 20):
        super().__init__(overall_max_rate=overall_max_rate, group_max_rate=group_max_rate, max_retries=max_retries)
        self._network_retries = network_retries
        self._backoff = backoff

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: int | None) -> Any:
        retries = 0 if endpoint.lower() in self.NEVER_RETRIED else self._network_retries
        for attempt in range(retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise  # our request is wrong: sending it again will not help
            except NetworkError as exc:  # includes TimedOut
                if attempt == retries:
                    raise
                delay = self._backoff * 2 ** attempt
                logger.warning("%s failed (%s); retry %d/%d in %.1fs", endpoint, exc, attempt + 1,
                               retries, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")


@dataclass(frozen=True)
class Tuning:
    """Network knobs. Production uses the defaults; tests shorten the timeout, the benchmark turns
    the rate limits off (retries stay on)."""

    read_timeout: float = 10.0
    connect_timeout: float = 5.0
    max_retries: int = 3  # retries after a 429, each after its retry_after
    network_retries: int = 3  # retries after a 5xx or a timeout
    backoff: float = 0.5
    rate_limited: bool = True
    flood_limit: int = 8  # messages per user ...
    flood_button_limit: int = 15  # ... and button presses ...
    flood_seconds: float = 5.0  # ... in this many seconds
    relay_limit: int = 10  # messages relayed per thread and direction ("Ask the team") ...
    relay_seconds: float = 60.0  # ... in this many seconds
    debounce_seconds: float = 3.0  # a card button pressed again within this opens no second card
    staff_answers_check: float = 3.0  # seconds between two looks at the staff answers' version
    typing_after: float = TYPING_AFTER_S  # "typing…" only under a reply that takes longer than this
    # HTTP connections to the Bot API kept open (keep-alive) for sending: at Telegram's ~0.1 s per
    # call, 8 carry far more than its 30 messages/s limit (pool sizes: benchmarks/bench_bot.py).
    connection_pool_size: int = 8
    keepalive_seconds: float = 60.0  # an idle connection stays open this long


def bot_request(tuning: Tuning, *, pool_size: int) -> AiohttpRequest:
    """One HTTP client for the Bot API: a pool of `pool_size` keep-alive connections.

    Waiting for a free connection is bounded by the read timeout (the library's default, 1 s,
    fails replies under a burst of visitors instead of queueing them).
    """
    return AiohttpRequest(pool_size=pool_size, read_timeout=tuning.read_timeout, write_timeout=tuning.read_timeout,
                          connect_timeout=tuning.connect_timeout, pool_timeout=tuning.read_timeout,
                          keepalive_seconds=tuning.keepalive_seconds)


def api_urls(settings: Settings) -> tuple[str, str]:
    """base_url and base_file_url: `{root}/bot` and `{root}/file/bot` (python-telegram-bot appends
    the token), the layout of Telegram's own self-hosted Bot API server."""
    root = (settings.telegram_api_url or "https://api.telegram.org").rstrip("/")
    return f"{root}/bot", f"{root}/file/bot"


def build_application(services: Services, *, tuning: Tuning = Tuning()) -> Application:
    """The bot, ready to initialise and run: services in bot_data, every handler registered.

    Everything comes from `services.settings`, so the token and the staff list can never come
    from two different configurations.
    """
    settings = services.settings
    if not settings.telegram_bot_token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and set its token")
    base_url, base_file_url = api_urls(settings)
    limiter = RetryingRateLimiter(
        max_retries=tuning.max_retries, network_retries=tuning.network_retries, backoff=tuning.backoff,
        overall_max_rate=30 if tuning.rate_limited else 0, group_max_rate=20 if tuning.rate_limited else 0,
    )
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .request(bot_request(tuning, pool_size=tuning.connection_pool_size))
        .get_updates_request(bot_request(tuning, pool_size=1))  # one long poll at a time
        .rate_limiter(limiter)
        .concurrent_updates(True)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .context_types(ContextTypes(context=BotContext))
        .post_init(publish_commands)
        .post_stop(finish_writes)
        .build()
    )
    application.bot_data[SERVICES] = services
    application.bot_data[FLOOD] = FloodGuard(tuning.flood_limit, tuning.flood_seconds,
                                                   button_limit=tuning.flood_button_limit)
    application.bot_data[RELAY_FLOOD] = FloodGuard(tuning.relay_limit, tuning.relay_seconds)
    application.bot_data[DEBOUNCE] = Debouncer(tuning.debounce_seconds)
    application.bot_data[SEEN_UPDATES] = SeenUpdates()
    application.bot_data[TYPING_AFTER] = tuning.typing_after
    register(application, staff_answers_check=tuning.staff_answers_check)
    strict_webhook.install()  # malformed JSON: 400, not 500; raw updates never logged
    return application


async def finish_writes(application: Application) -> None:
    """After the last update: conversation states still being written behind replies are written,
    so that the next bot process finds them."""
    await application.bot_data[SERVICES].conversations.drain()


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Arguments for run_webhook / Updater.start_webhook: listen on WEBHOOK_LISTEN:PORT (127.0.0.1 by
    default: a proxy on the same machine terminates TLS) at WEBHOOK_URL's path,
    and have Telegram sign every request with WEBHOOK_SECRET (python-telegram-bot checks it)."""
    if not settings.webhook_url:
        raise ConfigError("WEBHOOK_URL is not set: the public https URL Telegram should post updates to")
    if not settings.webhook_secret or not _SECRET_TOKEN.fullmatch(settings.webhook_secret):
        raise ConfigError("WEBHOOK_SECRET must be set, 1-256 characters among A-Z a-z 0-9 _ -")
    return {
        "listen": settings.webhook_listen,
        "port": settings.port,
        "url_path": urlsplit(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret,
    }


async def wait_for_telegram(application: Application, stop: asyncio.Event, *, first_delay: float = 1.0,
                            max_delay: float = 60.0) -> bool:
    """Initialise the bot (getMe), retrying with exponential back-off while the Bot API cannot be
    reached; one log line when it fails, one when it answers again. False if `stop` was set first.

    Telegram keeps a bot's updates for 24 hours: a bot that waits for the network loses nothing,
    one that exits does. A rejected token (InvalidToken) is not retried.
    """
    delay, told = first_delay, False
    while True:
        try:
            await application.initialize()
        except (NetworkError, RetryAfter) as exc:  # NetworkError includes TimedOut
            if not told:
                logger.error("Telegram Bot API unreachable (%s): retrying with back-off (up to every %gs) "
                             "until it answers or the bot is stopped", type(exc).__name__, max_delay)
                told = True
        else:
            if told:
                logger.info("Telegram Bot API reachable again")
            return True
        try:
            await asyncio.wait_for(stop.wait(), delay)
            return False
        except TimeoutError:
            delay = min(delay * 2, max_delay)


def _initialise(application: Application) -> bool:
    """Run wait_for_telegram on the loop python-telegram-bot will use, stoppable by SIGINT/SIGTERM."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        return loop.run_until_complete(wait_for_telegram(application, stop))
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def run_bot(services: Services, *, webhook: bool) -> None:
    """Run until SIGINT/SIGTERM (python-telegram-bot's stop signals), then shut down cleanly."""
    application = build_application(services)
    reload_on_sighup(services)  # python-telegram-bot takes over SIGINT, SIGTERM and SIGABRT only
    options = webhook_options(services.settings) if webhook else None
    if not _initialise(application):
        logger.info("stopped before Telegram could be reached")
        return
    # bootstrap_retries=-1: deleting or setting the webhook is retried with back-off too.
    if options is not None:
        logger.info("starting the webhook server on port %s", options["port"])
        application.run_webhook(**options, allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)
    else:
        logger.info("starting long polling")
        services.conversations.receive_alone()  # Telegram serves one poller at a time
        application.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)
