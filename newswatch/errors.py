"""The errors newswatch raises on purpose, under one base, so a caller can tell them from
bugs: ``except NewswatchError`` is every failure the program explains in one line."""

from __future__ import annotations


class NewswatchError(Exception):
    """Base of every error newswatch raises on purpose; its message is one line for a person."""


class ConfigError(NewswatchError, ValueError):
    """Configuration that cannot be used (an outlets or rules file, an alert or schedule
    setting); the message names the file or setting, the entry and the problem."""
