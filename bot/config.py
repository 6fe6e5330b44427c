"""Settings, read once from the environment in `main` and passed everywhere else."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge import DEFAULT_KNOWLEDGE_DIR


class ConfigError(ValueError):
    """A setting is present but unusable; the message names the variable, never its value."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number") from None


def _optional_int(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (a Telegram chat or topic id)") from None


def _ids(raw: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in raw.replace(";", ",").replace(" ", ",").split(",") if part)
    except ValueError:
        raise ConfigError("STAFF_USER_IDS must be Telegram user ids separated by commas") from None


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

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        default_lang = env.get("DEFAULT_LANG", "fr").strip().lower() or "fr"
        if default_lang not in ("fr", "en"):
            raise ConfigError("DEFAULT_LANG must be fr or en")
        return cls(
            telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_url=(env.get("TELEGRAM_API_URL") or "").rstrip("/") or None,
            webhook_url=env.get("WEBHOOK_URL") or None,
            webhook_secret=env.get("WEBHOOK_SECRET") or None,
            port=_int(env, "PORT", 8443),
            data_dir=Path(env.get("DATA_DIR") or "data"),
            database_url=env.get("DATABASE_URL") or None,
            pseudonym_secret=env.get("PSEUDONYM_SECRET") or None,
            staff_user_ids=_ids(env.get("STAFF_USER_IDS", "")),
            staff_chat_id=_optional_int(env, "STAFF_CHAT_ID"),
            staff_topic_id=_optional_int(env, "STAFF_TOPIC_ID"),
            webhook_listen=(env.get("WEBHOOK_LISTEN") or "127.0.0.1").strip(),
            log_retention_days=_int(env, "LOG_RETENTION_DAYS", 180),
            default_lang=default_lang,
            knowledge_dir=Path(env.get("KNOWLEDGE_DIR") or DEFAULT_KNOWLEDGE_DIR),
            console_host=env.get("CONSOLE_HOST", "").strip() or "127.0.0.1",
            console_port=_int(env, "CONSOLE_PORT", 8080),
            console_url=_console_url(env.get("CONSOLE_URL", "")),
            console_secret=env.get("CONSOLE_SECRET") or None,
            cache_dir=_cache_dir(env),
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
