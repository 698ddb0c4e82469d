"""The errors newswatch raises on purpose, under one base, so a caller can tell them from
bugs: ``except NewswatchError`` is every failure the program explains in one line."""

from __future__ import annotations

import sys
from types import TracebackType


class NewswatchError(Exception):
    """Base of every error newswatch raises on purpose; its message is one line for a person."""


class ConfigError(NewswatchError, ValueError):
    """Configuration that cannot be used (an outlets or rules file, an alert or schedule
    setting); the message names the file or setting, the entry and the problem."""


class SettingError(ConfigError):
    """A ``NEWSWATCH_*`` setting (from the environment or ``-s``) holds an invalid value;
    the message names the variable, the value and the problem."""


def report_uncaught_in_one_line() -> None:
    """Make an uncaught NewswatchError end the program with its one line on stderr (exit 1)
    instead of a traceback: for entry points that do not catch it themselves (``scrapy
    crawl`` importing an invalid settings module). Other exceptions keep the usual report."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if isinstance(error, NewswatchError):
            print(f"newswatch: {error}", file=sys.stderr)
        else:
            previous(kind, error, trace)

    sys.excepthook = hook
