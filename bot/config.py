"""Settings, read once from the environment in `main` and passed everywhere else."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.knowledge import DEFAULT_KNOWLEDGE_DIR


class ConfigError(ValueError):
    """A setting is present but unusable; the message names the variable, never its value."""


_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_TOKEN = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{1,200}", re.ASCII)
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}", re.ASCII)
MAX_USER_ID = 2**63 - 1
MIN_SECRET_CHARS = 16


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """A whole number in [low, high] written with ASCII digits (int() would take '١٢' or '1_0')."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not _DIGITS.fullmatch(raw) or not low <= int(raw[:12]) <= high or len(raw) > 12:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}")
    return int(raw)


def _seconds(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw) if re.fullmatch(r"[0-9]{1,6}(\.[0-9]{1,6})?", raw, re.ASCII) else None
    except ValueError:  # pragma: no cover - the pattern only lets plain decimals through
        value = None
    if value is None or not low <= value <= high:
        raise ConfigError(f"{name} must be a number of seconds from {low:g} to {high:g}")
    return value


def _optional_int(env: Mapping[str, str], name: str) -> int | None:
    """A Telegram chat or topic id: ASCII digits, negative for groups, within 64 bits."""
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"-?[0-9]{1,19}", raw, re.ASCII) or not -2**63 < int(raw) < 2**63:
        raise ConfigError(f"{name} must be a whole number (a Telegram chat or topic id)")
    return int(raw)


def _ids(raw: str) -> frozenset[int]:
    parts = [part for part in raw.replace(";", ",").replace(" ", ",").split(",") if part]
    if not all(_DIGITS.fullmatch(part) and len(part) <= 19 and 1 <= int(part) <= MAX_USER_ID for part in parts):
        raise ConfigError("STAFF_USER_IDS must be Telegram user ids (digits) separated by commas")
    return frozenset(int(part) for part in parts)


def _url(env: Mapping[str, str], name: str, *, https_only: bool = False) -> str | None:
    """An http(s) URL with a host; https only (except on this machine) where Telegram demands it."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        parts = None
    local = parts is not None and parts.hostname in ("127.0.0.1", "localhost", "::1")
    allowed = ("https",) if https_only and not local else ("http", "https")
    if parts is None or parts.scheme not in allowed or not parts.hostname or any(c.isspace() for c in raw):
        raise ConfigError(f"{name} must be a {' or '.join(allowed)} URL with a host name")
    return raw


def _database_url(env: Mapping[str, str]) -> str | None:
    raw = (env.get("DATABASE_URL") or "").strip()
    if not raw:
        return None
    from sqlalchemy.engine import make_url  # the parser the engine will use
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(raw).get_backend_name()
    except (ArgumentError, ValueError):
        raise ConfigError("DATABASE_URL is not a valid database URL") from None
    if backend not in ("sqlite", "postgres", "postgresql"):
        raise ConfigError("DATABASE_URL must be a sqlite:/// or postgresql:// URL")
    return raw


def _optional(env: Mapping[str, str], name: str, pattern: re.Pattern[str], message: str) -> str | None:
    raw = env.get(name) or None
    if raw is not None and not pattern.fullmatch(raw):
        raise ConfigError(f"{name} {message}")
    return raw


def _console_url(raw: str) -> str | None:
    url = raw.strip().rstrip("/")
    if url and not url.startswith(("http://", "https://")):
        raise ConfigError("CONSOLE_URL must start with http:// or https://")
    return url or None


def _cache_dir(env: Mapping[str, str]) -> Path | None:
    """CACHE_DIR, default DATA_DIR/cache; `off` turns the cache off."""
    raw = env.get("CACHE_DIR", "").strip()
    if raw.lower() == "off":
        return None
    return Path(raw) if raw else Path(env.get("DATA_DIR") or "data") / "cache"


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Secrets are kept out of repr so they never reach a log."""

    telegram_bot_token: str | None = field(default=None, repr=False)
    telegram_api_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    port: int = 8443
    data_dir: Path = Path("data")
    database_url: str | None = field(default=None, repr=False)
    pseudonym_secret: str | None = field(default=None, repr=False)
    staff_user_ids: frozenset[int] = frozenset()
    staff_chat_id: int | None = None  # the staff group where "Ask the team" questions go
    staff_topic_id: int | None = None  # a forum topic of that group, if any
    webhook_listen: str = "127.0.0.1"  # behind a TLS-terminating proxy on the same machine
    log_retention_days: int = 180
    default_lang: str = "fr"
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    console_host: str = "127.0.0.1"
    console_port: int = 8080
    console_url: str | None = None  # the console's public address, for sign-in links
    console_secret: str | None = field(default=None, repr=False)  # signs links and cookies
    knowledge_poll_seconds: float = 3.0  # how often a process checks for a knowledge reload
    cache_dir: Path | None = None  # built word lists and knowledge base (bot/cache.py); None: no cache
    db_write_timeout: float = 2.0  # seconds a reply may wait for the database before the spool

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Every setting checked here, at start: a bad one is a one-line ConfigError naming it."""
        default_lang = env.get("DEFAULT_LANG", "fr").strip().lower() or "fr"
        if default_lang not in ("fr", "en"):
            raise ConfigError("DEFAULT_LANG must be fr or en")
        secret = env.get("PSEUDONYM_SECRET") or None
        if secret is not None and len(secret.strip()) < MIN_SECRET_CHARS:
            raise ConfigError(f"PSEUDONYM_SECRET must be at least {MIN_SECRET_CHARS} characters (use 64 random hex digits)")
        api_url = _url(env, "TELEGRAM_API_URL")
        return cls(
            telegram_bot_token=_optional(env, "TELEGRAM_BOT_TOKEN", _TOKEN,
                                         "does not look like a token from @BotFather (digits:letters)"),
            telegram_api_url=api_url.rstrip("/") if api_url else None,
            webhook_url=_url(env, "WEBHOOK_URL", https_only=True),
            webhook_secret=_optional(env, "WEBHOOK_SECRET", _SECRET_TOKEN,
                                     "must be 1-256 characters among A-Z a-z 0-9 _ -"),
            port=_int(env, "PORT", 8443, 1, 65535),
            data_dir=Path(env.get("DATA_DIR") or "data"),
            database_url=_database_url(env),
            pseudonym_secret=secret,
            staff_user_ids=_ids(env.get("STAFF_USER_IDS", "")),
            staff_chat_id=_optional_int(env, "STAFF_CHAT_ID"),
            staff_topic_id=_optional_int(env, "STAFF_TOPIC_ID"),
            webhook_listen=(env.get("WEBHOOK_LISTEN") or "127.0.0.1").strip(),
            log_retention_days=_int(env, "LOG_RETENTION_DAYS", 180, 1, 3650),
            default_lang=default_lang,
            knowledge_dir=Path(env.get("KNOWLEDGE_DIR") or DEFAULT_KNOWLEDGE_DIR),
            console_host=env.get("CONSOLE_HOST", "").strip() or "127.0.0.1",
            console_port=_int(env, "CONSOLE_PORT", 8080, 1, 65535),
            console_url=_console_url(env.get("CONSOLE_URL", "")),
            console_secret=env.get("CONSOLE_SECRET") or None,
            cache_dir=_cache_dir(env),
            db_write_timeout=_seconds(env, "DB_WRITE_TIMEOUT", 2.0, 0.1, 60),
        )

    @property
    def console_base_url(self) -> str:
        """Where staff reach the console: CONSOLE_URL, else the address it listens on."""
        return self.console_url or f"http://{self.console_host}:{self.console_port}"

    @property
    def console_https(self) -> bool:
        """Cookies are marked Secure when the console is served over HTTPS."""
        return self.console_base_url.startswith("https://")

    @property
    def effective_database_url(self) -> str:
        """DATABASE_URL, or a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'biovaliance.sqlite3').resolve()}"
