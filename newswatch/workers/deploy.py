"""The egg a Scrapyd worker runs, built and deployed with scrapyd-client (``scrapyd-deploy``).

    python -m newswatch.workers.deploy http://crawler-1:6800 http://crawler-2:6800
    python -m newswatch.workers.deploy --build-egg newswatch.egg

scrapyd-deploy's own ``setup.py`` packs ``find_packages()``: the root-level ``settings.py``,
Scrapy's settings module, is no package and would be left out, and the egg's entry point
would name a module it does not hold. So the egg is built from a staging copy of what a crawl
imports (:data:`PACKAGES` and :data:`MODULES`) with a ``setup.py`` that lists them, and
scrapyd-deploy builds and uploads it from there. No ``config/`` goes in: the hub passes each
crawl its outlet's table (``newswatch.workers.outlets``), and a worker does not classify, so
it needs no rules (docs/scaling.md says why).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from newswatch.config.environment import PROJECT_DIR

PACKAGES = ("newswatch", "spiders", "pipelines")
MODULES = ("settings",)
SETUP_PY = """\
from setuptools import find_packages, setup

setup(
    name="{project}",
    version="{version}",
    packages=find_packages(include={packages!r}),
    package_data={{"newswatch": ["data/*.tsv"]}},
    py_modules={modules!r},
    entry_points={{"scrapy": ["settings = settings"]}},
    zip_safe=True,
)
"""


def stage(folder: Path, project: str, version: str, targets: Sequence[str] = ()) -> Path:
    """A copy of what a crawl imports, with the ``setup.py`` and ``scrapy.cfg`` (one deploy
    target per worker URL) scrapyd-deploy reads."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for package in PACKAGES:
        shutil.copytree(PROJECT_DIR / package, folder / package, ignore=ignore)
    for module in MODULES:
        shutil.copy2(PROJECT_DIR / f"{module}.py", folder / f"{module}.py")
    packages = [f"{p}{suffix}" for p in PACKAGES for suffix in ("", ".*")]
    (folder / "setup.py").write_text(
        SETUP_PY.format(project=project, version=version, packages=packages, modules=list(MODULES)),
        encoding="utf-8",
    )
    cfg = ["[settings]", "default = settings", ""]
    for i, url in enumerate(targets):
        cfg += [f"[deploy:worker{i}]", f"url = {url.rstrip('/')}/", f"project = {project}", ""]
    (folder / "scrapy.cfg").write_text("\n".join(cfg), encoding="utf-8")
    return folder


def _scrapyd_deploy(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scrapyd_client.deploy", *args]
    # sources only: without this, bdist_egg adds this Python's bytecode, which a worker on
    # another Python version cannot use
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        command, cwd=folder, capture_output=True, text=True, check=False, timeout=600, env=env
    )


def build_egg(target: Path, project: str = "newswatch", version: str | None = None) -> Path:
    """The egg, written to ``target``."""
    with tempfile.TemporaryDirectory(prefix="newswatch-egg-") as folder:
        staged = stage(Path(folder), project, version or str(int(time.time())))
        done = _scrapyd_deploy(staged, "--build-egg", str(target.resolve()))
        if done.returncode != 0:
            raise RuntimeError(f"scrapyd-deploy --build-egg failed: {done.stderr.strip()[-2000:]}")
    return target


def deploy(urls: Sequence[str], project: str = "newswatch", version: str | None = None) -> str:
    """Build the egg once per worker and add it to each as ``version`` (default: now)."""
    version = version or str(int(time.time()))
    with tempfile.TemporaryDirectory(prefix="newswatch-egg-") as folder:
        staged = stage(Path(folder), project, version, urls)
        done = _scrapyd_deploy(staged, "-a", "-p", project, "-v", version)
        if done.returncode != 0 or '"status": "error"' in done.stdout:
            raise RuntimeError(f"scrapyd-deploy failed: {(done.stderr + done.stdout).strip()[-2000:]}")
    return version


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newswatch.workers.deploy", description=__doc__.split("\n")[0]
    )
    parser.add_argument("urls", nargs="*", help="Scrapyd workers (default: NEWSWATCH_SCRAPYD_URLS)")
    parser.add_argument(
        "-p", "--project", default=None, help="Scrapyd project (default: NEWSWATCH_SCRAPYD_PROJECT)"
    )
    parser.add_argument("-v", "--version", default=None, help="egg version (default: the time now)")
    parser.add_argument("--build-egg", metavar="FILE", type=Path, help="only write the egg to FILE")
    args = parser.parse_args(argv)
    from newswatch.config.environment import read_environment

    settings = read_environment()
    project = args.project or settings.NEWSWATCH_SCRAPYD_PROJECT
    if args.build_egg:
        print(build_egg(args.build_egg, project, args.version))
        return 0
    urls = args.urls or [u for u in settings.NEWSWATCH_SCRAPYD_URLS.split(",") if u]
    if not urls:
        parser.error("name the workers, or set NEWSWATCH_SCRAPYD_URLS")
    version = deploy(urls, project, args.version)
    print(f"{project} {version} deployed to {', '.join(urls)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
