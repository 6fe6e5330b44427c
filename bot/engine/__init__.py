"""Pure question answering: imports neither telegram nor sqlalchemy."""
from bot.engine.core import Engine
from bot.engine.result import Result, Status, Suggestion

__all__ = ["Engine", "Result", "Status", "Suggestion"]
