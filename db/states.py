"""Review states of a logged question. A module of its own: the command line reads them without
importing SQLAlchemy (`ask --no-log` must start fast)."""
from __future__ import annotations

OPEN, RESOLVED, DISMISSED = "open", "resolved", "dismissed"
STATES = (OPEN, RESOLVED, DISMISSED)
