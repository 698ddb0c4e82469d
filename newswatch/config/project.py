"""The project's settings for the commands that run no crawl, read without importing Scrapy.

``newswatch crawl`` hands Scrapy its own ``Settings`` (``scrapy.utils.project``). Every other
command only reads values, and importing Scrapy costs about 0.8 s of start-up (it brings in
Twisted), so they read the same settings module (``SCRAPY_SETTINGS_MODULE``, ``settings``)
here: its upper-case names, with the meanings of Scrapy's ``get``, ``getint``, ``getfloat``,
``getbool`` and ``getdict``. The values were checked when the module was imported
(``newswatch.config.environment``); ``-s NAME=VALUE`` overrides are checked by the caller.
"""

from __future__ import annotations

import importlib
import json
import os
from typing import Any


class ProjectSettings:
    """Read-only view of the settings module, plus ``set`` for ``-s`` overrides."""

    def __init__(self, values: dict[str, Any]):
        self._values = dict(values)

    @classmethod
    def load(cls) -> ProjectSettings:
        """The settings module's upper-case names (importing it checks the environment:
        ``SettingError``)."""
        module = importlib.import_module(os.environ.get("SCRAPY_SETTINGS_MODULE", "settings"))
        return cls({name: getattr(module, name) for name in dir(module) if name.isupper()})

    def set(self, name: str, value: Any, priority: str = "cmdline") -> None:
        self._values[name] = value

    def get(self, name: str, default: Any = None) -> Any:
        value = self._values.get(name)
        return default if value is None else value

    def __getitem__(self, name: str) -> Any:
        return self._values.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def getint(self, name: str, default: int = 0) -> int:
        return int(self.get(name, default))

    def getfloat(self, name: str, default: float = 0.0) -> float:
        return float(self.get(name, default))

    def getbool(self, name: str, default: bool = False) -> bool:
        value = self.get(name, default)
        try:
            return bool(int(value))
        except ValueError:
            if value in ("True", "true"):
                return True
            if value in ("False", "false"):
                return False
            raise ValueError(f"{name}: {value!r} is not a boolean (use 0/1, True/False)") from None

    def getdict(self, name: str, default: dict[Any, Any] | None = None) -> dict[Any, Any]:
        value = self.get(name, default or {})
        return dict(json.loads(value) if isinstance(value, str) else value)
