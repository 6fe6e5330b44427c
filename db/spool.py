"""A local file of records that could not reach the database, replayed when it is back.

One JSON object per line, appended and fsynced under an exclusive `flock` on a side lock file.
Replaying takes the same lock, writes every record in one transaction, and only then empties the
file, so a record is never lost; if the process dies between commit and truncation the records
are written again, which the database ignores (each carries a unique `record_id`). Lines that are
not valid JSON (a write cut short by a crash) are moved to `<spool>.rejected` for a human.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

Record = dict[str, Any]


class Spool:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.rejected_path = self.path.with_name(self.path.name + ".rejected")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # flock locks belong to the open file description: two threads of one process exclude
        # each other too, as long as each opens the file itself, as here.
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def pending(self) -> bool:
        """Cheap check, without the lock: is anything waiting?"""
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def append(self, record: Record) -> None:
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        with self._locked():
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)

    def drain(self, write: Callable[[list[Record]], None]) -> int:
        """Hand every spooled record to `write` (one transaction), then empty the spool.

        If `write` raises, the spool is left as it was and the error propagates.
        """
        with self._locked():
            try:
                raw = self.path.read_bytes()
            except FileNotFoundError:
                return 0
            if not raw:
                return 0
            records, rejected = [], []
            for line in raw.splitlines():
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    if not isinstance(record, dict) or "record_id" not in record or "kind" not in record:
                        raise ValueError("not a spool record")
                    records.append(record)
                except ValueError:
                    rejected.append(line)
            if records:
                write(records)
            if rejected:
                logger.error("%d unreadable line(s) in the spool moved to %s", len(rejected), self.rejected_path)
                fd = os.open(self.rejected_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, b"".join(line + b"\n" for line in rejected))
                    os.fsync(fd)
                finally:
                    os.close(fd)
            fd = os.open(self.path, os.O_WRONLY)
            try:
                os.ftruncate(fd, 0)
                os.fsync(fd)
            finally:
                os.close(fd)
            return len(records)
