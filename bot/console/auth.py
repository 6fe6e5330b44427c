"""Signing in to the web console: one-time links, session rules, CSRF tokens, attempt limits.

Links and cookies are signed with itsdangerous (the session cookie through Starlette's
SessionMiddleware, which uses it too); nothing here is hand-made cryptography. A link carries a
staff id, a random nonce and its issue time; it is valid for LINK_VALID and once: its nonce is
recorded in the database when used, so a second use is refused by every console process.
"""
from __future__ import annotations

import datetime as dt
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer

from bot.config import Settings

LINK_VALID = dt.timedelta(minutes=10)
SESSION_LIFETIME = dt.timedelta(hours=12)  # a session ends this long after signing in, whatever happens
LINK_SALT = "biovaliance-console-sign-in"
SESSION_KEY_SUFFIX = ":biovaliance-console-session"  # the cookie's key differs from the links'

Clock = Callable[[], float]


class InvalidLink(ValueError):
    """A sign-in link that cannot be used; `reason` is 'invalid', 'expired' or 'used'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class LinkClaim:
    staff_id: int
    nonce: str
    issued_at: float


def signing_secret(settings: Settings) -> str:
    """CONSOLE_SECRET, else the pseudonym secret every process of the deployment already shares."""
    if settings.console_secret:
        return settings.console_secret
    if settings.pseudonym_secret:
        return settings.pseudonym_secret
    from db.privacy import load_or_create_secret

    return load_or_create_secret(Path(settings.data_dir))


def session_key(secret: str) -> str:
    return secret + SESSION_KEY_SUFFIX


class SignInLinks:
    """Issue and read one-time sign-in links (single use is enforced by the caller's log)."""

    def __init__(self, secret: str, *, clock: Clock = time.time):
        self._serializer = URLSafeSerializer(secret, salt=LINK_SALT)
        self._clock = clock

    def issue(self, staff_id: int) -> str:
        return str(self._serializer.dumps({"s": staff_id, "n": secrets.token_urlsafe(18), "t": int(self._clock())}))

    def read(self, token: str) -> LinkClaim:
        """The claim of a genuine, unexpired link; raises InvalidLink otherwise."""
        try:
            data = self._serializer.loads(token)
            claim = LinkClaim(int(data["s"]), str(data["n"]), float(data["t"]))
        except (BadSignature, KeyError, TypeError, ValueError):
            raise InvalidLink("invalid") from None
        age = self._clock() - claim.issued_at
        if age > LINK_VALID.total_seconds() or age < -60:  # a minute of clock skew between processes
            raise InvalidLink("expired")
        return claim


def link_url(settings: Settings, token: str) -> str:
    return f"{settings.console_base_url}/signin/{token}"


def issue_link(settings: Settings, staff_id: int) -> str:
    """A sign-in link for a staff member, for the bot's /console and `biovaliance-bot console link`."""
    if staff_id not in settings.staff_user_ids:
        raise PermissionError(f"{staff_id} is not in STAFF_USER_IDS")
    return link_url(settings, SignInLinks(signing_secret(settings)).issue(staff_id))


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and secrets.compare_digest(str(given), str(expected))


class AttemptLimiter:
    """At most `limit` sign-in attempts per client in any `window` seconds (per process).

    Fifteen lines of deque do what a rate-limiting library would, without its storage backends.
    """

    def __init__(self, limit: int = 10, window: float = 60.0, *, clock: Clock = time.monotonic):
        self._limit, self._window, self._clock = limit, window, clock
        self._attempts: dict[str, deque[float]] = {}

    def allow(self, client: str) -> bool:
        now = self._clock()
        attempts = self._attempts.setdefault(client, deque())
        while attempts and now - attempts[0] > self._window:
            attempts.popleft()
        if len(attempts) >= self._limit:
            return False
        attempts.append(now)
        if len(self._attempts) > 10_000:  # forget idle clients so memory stays bounded
            self._attempts = {k: v for k, v in self._attempts.items() if v and now - v[-1] <= self._window}
        return True
