"""A local, durable queue of records that could not reach the database, replayed when it is back.

Format: one JSON object per line in `spool.jsonl` (mode 0600). The rules that make it durable:

* **Append** takes an exclusive `flock` on a side lock file, writes the whole line (checking the
  byte count `os.write` returns, looping on short writes), then fsyncs. A record is acknowledged
  only when all of that succeeded; on any error the file is cut back to its previous size and
  the error propagates. If an earlier append was torn anyway (a crash, a disk that filled), the
  next append first ends that torn line with a newline, so it can never swallow the next record.
* **Replay** never holds the writers' lock while it talks to the database: under the lock it
  only renames `spool.jsonl` to a claimed file (`spool.jsonl.replaying.<time>-<pid>`), then
  writes that file's records in bounded batches, one transaction each, and deletes the file when
  every batch is in. Writers meanwhile append to a fresh `spool.jsonl`. One replayer at a time
  per spool (a second lock); a claimed file left by a crash is replayed first at the next replay.
  A batch written twice (a crash between its commit and the file's deletion) is stored once:
  every record carries a unique `record_id` that the database ignores when it sees it again.
* **Poison**: a line that is not a valid record (torn, not JSON, a missing or malformed field),
  or a record the database refuses for its content, goes to `spool.jsonl.rejected` as
  `{"rejected_at", "reason", "line"}` and never blocks the others.
"""
from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

Record = dict[str, Any]
BATCH_SIZE = 500  # records per replay transaction: a large backlog never holds a lock for long
CLAIMED = ".replaying."


class Poison(ValueError):
    """A record that can never be written as it is; the message is the reason, kept with it."""


@dataclass(frozen=True)
class Replayed:
    written: int
    rejected: int


def encode(record: Record) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is out: a short write is continued, a write of 0 is an error."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, "no byte written")
        view = view[written:]


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Spool:
    """The spool of one data directory; safe across threads and processes sharing it."""

    def __init__(self, path: Path, *, batch_size: int = BATCH_SIZE):
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.replay_lock_path = self.path.with_name(self.path.name + ".replay.lock")
        self.rejected_path = self.path.with_name(self.path.name + ".rejected")
        self.batch_size = batch_size
        self.appended = 0  # records this process appended: a cheap "did anyone here spool meanwhile?"

    @contextmanager
    def _flock(self, path: Path, *, wait: bool = True) -> Iterator[bool]:
        # flock locks belong to the open file description: two threads of one process exclude
        # each other too, as long as each opens the file itself, as here.
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)  # releases the lock

    def _claimed_files(self) -> list[Path]:
        prefix = self.path.name + CLAIMED
        try:
            names = os.listdir(self.path.parent)
        except FileNotFoundError:
            return []
        return sorted(self.path.parent / n for n in names if n.startswith(prefix) and not n.endswith(".tmp"))

    def pending(self) -> bool:
        """Cheap check, without a lock: is anything waiting (in the spool or a claimed file)?"""
        try:
            if self.path.stat().st_size > 0:
                return True
        except FileNotFoundError:
            pass
        return bool(self._claimed_files())

    # --- writing ---------------------------------------------------------------------------------

    def append(self, record: Record) -> None:
        """Write one record durably, or raise OSError having written nothing that counts."""
        line = encode(record)
        with self._flock(self.lock_path):
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                size = os.fstat(fd).st_size
                torn = size > 0 and os.pread(fd, 1, size - 1) != b"\n"
                try:
                    _write_all(fd, (b"\n" if torn else b"") + line)
                    os.fsync(fd)
                except OSError:
                    self._cut_back(fd, size)
                    raise
                self.appended += 1
            finally:
                os.close(fd)

    @staticmethod
    def _cut_back(fd: int, size: int) -> None:
        """Undo a failed append; if even that fails, the next append ends the torn line."""
        try:
            os.ftruncate(fd, size)
        except OSError:
            pass

    def _reject(self, rejected: list[tuple[str, bytes]]) -> None:
        if not rejected:
            return
        now = dt.datetime.now(dt.UTC).isoformat()
        data = b"".join(encode({"rejected_at": now, "reason": reason, "line": line.decode("utf-8", "replace")})
                        for reason, line in rejected)
        with self._flock(self.lock_path):
            fd = os.open(self.rejected_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
        logger.error("%d spooled record(s) could not be written and were moved to %s (first reason: %s)",
                     len(rejected), self.rejected_path, rejected[0][0])

    # --- replaying -------------------------------------------------------------------------------

    def _claim(self) -> Path | None:
        """Rename the live spool to a claimed file, under the writers' lock (a rename: instant)."""
        with self._flock(self.lock_path):
            try:
                if self.path.stat().st_size == 0:
                    return None
            except FileNotFoundError:
                return None
            claimed = self.path.with_name(f"{self.path.name}{CLAIMED}{time.time_ns():020d}-{os.getpid()}")
            os.rename(self.path, claimed)
            _fsync_dir(self.path.parent)
            return claimed

    def replay(self, write: Callable[[list[Record]], None], *, check: Callable[[Record], None],
               wait: bool = True, ready: Callable[[], None] | None = None) -> Replayed | None:
        """Hand every spooled record to `write`, in batches; delete each claimed file once it is in.

        `check(record)` raises Poison for a record that can never be written. `write(batch)` writes
        one transaction; Poison from it (a record the database refuses) sets the guilty records
        aside, one by one; any other error (the database is unreachable) stops the replay and
        propagates, leaving the rest for next time. With wait=False, returns None at once when
        another replay is running. `ready()`, called first, raises when the database cannot be
        reached: then nothing is claimed and the spool stays as it is.
        """
        with self._flock(self.replay_lock_path, wait=wait) as locked:
            if not locked:
                return None
            if ready is not None:
                ready()
            written = rejected = 0
            # Files left by an earlier replay first, then what the spool holds now; records
            # appended meanwhile wait for the next replay (bounded work, even under steady writes).
            claimed = self._claim()
            for path in self._claimed_files():
                w, r = self._replay_file(path, write, check)
                written, rejected = written + w, rejected + r
                path.unlink()
                _fsync_dir(self.path.parent)
                if path == claimed:
                    break
            return Replayed(written, rejected)

    def _replay_file(self, path: Path, write: Callable[[list[Record]], None],
                     check: Callable[[Record], None]) -> tuple[int, int]:
        written = rejected = 0
        batch: list[tuple[Record, bytes]] = []
        bad: list[tuple[str, bytes]] = []

        def flush() -> None:
            nonlocal written
            if not batch:
                return
            try:
                write([record for record, _line in batch])
                written += len(batch)
            except Poison:
                for record, line in batch:  # find the guilty ones; the others go in alone
                    try:
                        write([record])
                        written += 1
                    except Poison as exc:
                        bad.append((str(exc), line))
            batch.clear()

        with open(path, "rb") as spool_file:
            for raw in spool_file:
                line = raw.rstrip(b"\n")
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    if not isinstance(record, dict):
                        raise Poison("not a JSON object")
                    check(record)
                except (ValueError, RecursionError) as exc:
                    reason = str(exc) if isinstance(exc, Poison) else "not valid JSON (a torn or damaged line)"
                    bad.append((reason, line))
                    continue
                batch.append((record, line))
                if len(batch) >= self.batch_size:
                    flush()
            flush()
        rejected = len(bad)
        self._reject(bad)
        return written, rejected

    # --- erasure ---------------------------------------------------------------------------------

    def erase(self, marker: str) -> int:
        """Remove every set-aside line that contains `marker` (a user key); returns how many."""
        with self._flock(self.lock_path):
            try:
                lines = self.rejected_path.read_bytes().splitlines(keepends=True)
            except FileNotFoundError:
                return 0
            kept = [line for line in lines if marker.encode() not in line]
            if len(kept) == len(lines):
                return 0
            tmp = self.rejected_path.with_name(self.rejected_path.name + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
            try:
                _write_all(fd, b"".join(kept))
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, self.rejected_path)
            _fsync_dir(self.path.parent)
            return len(lines) - len(kept)
