"""Answered questions counted in memory, written as one record per (day, status, entry, language).

Answered traffic is most of the traffic and nobody waits for its count, so counting it in memory
and writing the sums every few seconds (and at shutdown) takes the database off the reply path.
Each drained sum is a normal `answered` record with a `count` and its own `record_id`, so a
replayed spool still counts it once. What a hard crash (kill -9, power loss) can lose is the
last few seconds of counts, never a question waiting for review.
"""
from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections import Counter
from typing import Any

Record = dict[str, Any]


class AnsweredTally:
    """Thread-safe: `add` from any thread, `drain` from the writer."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[dt.date, str, str, str]] = Counter()
        self._lock = threading.Lock()

    def add(self, at: dt.datetime, status: str, entry: str, lang: str) -> None:
        key = (at.date(), status, entry, lang)
        with self._lock:
            self._counts[key] += 1

    def drain(self) -> list[Record]:
        """The sums since the last drain, as records; the tally starts again from zero."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
        return [{"kind": "answered", "record_id": str(uuid.uuid4()),
                 "at": dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC).isoformat(),
                 "status": status, "entry": entry, "lang": lang, "count": n}
                for (day, status, entry, lang), n in counts.items()]

    def __len__(self) -> int:
        with self._lock:
            return sum(self._counts.values())
