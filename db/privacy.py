"""Pseudonymous user keys: an HMAC of the Telegram user id, never the id itself."""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_FILE = "pseudonym_secret"


def pseudonymise(user_id: int, secret: str) -> str:
    """HMAC-SHA256(secret, str(user_id)) as 64 hex digits: stable for one secret, irreversible without it."""
    if not secret:
        raise ValueError("a pseudonym secret is required")
    return hmac.new(secret.encode(), str(int(user_id)).encode(), hashlib.sha256).hexdigest()


def load_or_create_secret(data_dir: Path) -> str:
    """The secret kept in `data_dir/pseudonym_secret`, created once (mode 0600) if missing.

    For when PSEUDONYM_SECRET is not set: keys stay stable across restarts of one machine. Created
    under a temporary name and hard-linked into place, so processes starting together agree on one.
    """
    path = Path(data_dir) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32) + "\n")
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process won the race: use its secret
        finally:
            tmp.unlink(missing_ok=True)
    secret = path.read_text().strip()
    if not secret:
        raise ValueError(f"{path} is empty: delete it or set PSEUDONYM_SECRET")
    return secret
