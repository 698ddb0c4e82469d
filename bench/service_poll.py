"""The service's CPU per quiet poll: outlets due together sharing a forked crawl
(``grouped``: NEWSWATCH_CRAWL_START=fork, NEWSWATCH_CRAWL_GROUP=10, the defaults), a forked
crawl per outlet (``fork``: NEWSWATCH_CRAWL_GROUP=1) and a new process per crawl
(``process``); and the RSS of the service and its forkserver over many runs.

    python bench/service_poll.py [--outlets 500] [--interval 120] [--fork-polls 1000]
                                 [--process-polls 60] [--pairs 2] [--skip 20]
                                 [--modes grouped,fork,process] [--lists 0]

One loopback web serves --outlets outlets, each a feed with ETag and three article pages. One
`newswatch crawl` of them all fills an archive and the HTTP cache first, so every poll the
service makes afterwards is quiet: the feed answers 304 and nothing is new. Then the real
`newswatch run` is started on a copy of that archive, every outlet on --interval seconds (the
production schedule is 15 min; the interval is scaled down so the bench takes minutes, and the
run order is the same: all due at start, then each on its interval; an outlet's jitter, a tenth
of the interval at most a minute, is 12 s at 120 s and 60 s at 15 min, and either way more than
ten outlets of 500 fall due within it), with the modes interleaved (grouped, fork, process,
grouped, … --pairs times). Each phase skips its first --skip runs (the service's and
forkserver's start-up; ``grouped`` also skips the first round, where every outlet is due at
once and crawled alone), then counts the CPU of the whole process tree (service, forkserver,
crawls: utime+stime+cutime+cstime of every live process of the tree, from /proc) over the
next --fork-polls (--process-polls) runs, a run being one outlet's poll (one `crawl_runs`
row). With --lists N, the archive holds N organisations of an official list (every crawl
merges them into its ruleset, as after `newswatch entities update`). Reported per mode: CPU
per quiet poll (min, median, max over the phases), and for the first phase of each mode the
RSS of the service and of the forkserver sampled every second (start, end, max, growth per
100 runs). Target (#24): ≤ 50 ms CPU per quiet poll; RSS flat
over ≥ 1,000 runs. The machine's load at start is printed. Writes
bench/results/service_poll.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the loopback outlet the tests use

from fakeweb import FakeWeb  # noqa: E402
from memory import quiet_outlets  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
TARGET_MS = 50.0
#: How each mode starts its crawls: outlets due together share a forked crawl (the default),
#: a forked crawl per outlet, a new process per outlet (before #24).
MODES = {
    "grouped": {"NEWSWATCH_CRAWL_START": "fork", "NEWSWATCH_CRAWL_GROUP": "10"},
    "fork": {"NEWSWATCH_CRAWL_START": "fork", "NEWSWATCH_CRAWL_GROUP": "1"},
    "process": {"NEWSWATCH_CRAWL_START": "process", "NEWSWATCH_CRAWL_GROUP": "1"},
}


def base_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSWATCH_", "SLACK_"))}
    env.update(
        NEWSWATCH_OUTLETS=str(work / "outlets.toml"),
        NEWSWATCH_DB=str(work / "data" / "newswatch.db"),
        NEWSWATCH_DOWNLOAD_DELAY="0",
        NEWSWATCH_LOG_LEVEL="WARNING",
        NEWSWATCH_CONTACT_URL="https://example.org/newswatch-bench",
        NEWSWATCH_ENTITY_UPDATE_HOURS="0",  # no official lists from the internet
        NEWSWATCH_RULES_REPORT_DAY="off",
        NEWSWATCH_DIGEST_AT="03:00 UTC",
    )
    return env


def listed(db: Path, count: int) -> None:
    """``count`` Chinese organisations on an official list in the archive, as `newswatch
    entities update` leaves them: every crawl merges them into its ruleset."""
    sys.path.insert(0, str(ROOT))
    from newswatch.archive import Archive
    from newswatch.sanctions.model import ListedEntity

    archive = Archive(db)
    try:
        names = (f"Example {a}{b} Precision Machinery Co., Ltd." for a in range(1000) for b in range(100))
        entries = [
            ListedEntity("us-sdn", str(90000 + n), name, countries=("CN",))
            for n, name in zip(range(count), names, strict=False)
        ]
        archive.listings.replace("us-sdn", entries)
        print(
            f"{len(archive.listings.organisations())} official-list organisations in the archive", flush=True
        )
    finally:
        archive.close()


def tree(pid: int) -> list[int]:
    """``pid`` and its live descendants (children of every thread)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                todo.extend(int(c) for c in Path(f"/proc/{current}/task/{task}/children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def cpu_parts(pid: int) -> tuple[float, float]:
    """CPU of a process itself (utime, stime) and of its reaped children (cutime, cstime)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0, 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS, (int(fields[13]) + int(fields[14])) / TICKS


def tree_cpu(pid: int, server: int | None) -> dict[str, float]:
    """The tree's CPU: the service itself, the forkserver itself, the crawls (reaped by the
    service or the forkserver, or still running)."""
    parts = {"service": 0.0, "forkserver": 0.0, "crawls": 0.0}
    for member in tree(pid):
        own, reaped = cpu_parts(member)
        name = "service" if member == pid else "forkserver" if member == server else "crawls"
        parts[name] += own
        parts["crawls"] += reaped
    return parts


def rss_kb(pid: int | None) -> int | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def forkserver_pid(service: int) -> int | None:
    for pid in tree(service)[1:]:
        try:
            if b"newswatch.service.forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except (FileNotFoundError, ProcessLookupError):
            continue
    return None


def count(db: Path) -> int:
    """The runs recorded so far (-1: not readable now)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute("SELECT count(*) FROM crawl_runs").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return -1


def outcomes(db: Path, after: int) -> tuple[dict[str, int], int]:
    """The statuses of the runs after the first ``after`` (this phase's), and their new articles."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        runs = conn.execute("SELECT status, new FROM crawl_runs ORDER BY rowid LIMIT -1 OFFSET ?", (after,))
        statuses: dict[str, int] = {}
        new = 0
        for status, fresh in runs:
            statuses[status] = statuses.get(status, 0) + 1
            new += fresh or 0
    finally:
        conn.close()
    return statuses, new


def slope(points: list[tuple[int, int]]) -> float:
    n = len(points)
    mx, my = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


def phase(template: Path, work: Path, mode: str, skip: int, polls: int, minutes: float) -> dict[str, Any]:
    """One service run on a copy of the warmed archive: CPU per quiet poll after ``skip`` runs."""
    shutil.rmtree(work / "data", ignore_errors=True)
    shutil.copytree(template, work / "data")
    before = count(work / "data" / "newswatch.db")
    env = base_env(work) | MODES[mode]
    service = subprocess.Popen(
        [sys.executable, "-m", "newswatch", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(work / f"service-{mode}.log").open("a"),
    )
    db = work / "data" / "newswatch.db"
    start = end = None  # (runs, cpu by part, seconds) at the window's ends
    samples: list[tuple[int, int | None, int | None]] = []  # (runs, service KB, forkserver KB)
    began = time.monotonic()
    try:
        while time.monotonic() - began < minutes * 60 and service.poll() is None:
            time.sleep(1.0)
            runs = count(db) - before
            if runs < 0:
                continue
            server = forkserver_pid(service.pid)
            cpu = tree_cpu(service.pid, server)
            samples.append((runs, rss_kb(service.pid), rss_kb(server)))
            if start is None and runs >= skip:
                start = (runs, cpu, time.monotonic())
            if start is not None and runs >= start[0] + polls:
                end = (runs, cpu, time.monotonic())
                break
    finally:
        service.send_signal(signal.SIGTERM)
        try:
            service.wait(timeout=180)
        except subprocess.TimeoutExpired:
            service.kill()
            service.wait()
    statuses, new = outcomes(db, before)
    if start is None or end is None:
        return {"mode": mode, "error": "the window was not reached in time", "samples": len(samples)}
    polled = end[0] - start[0]
    used = {part: end[1][part] - start[1][part] for part in end[1]}
    result: dict[str, Any] = {
        "mode": mode,
        "polls": polled,
        "cpu_ms_per_poll": round(sum(used.values()) / polled * 1000, 1),
        "cpu_ms_per_poll_by_part": {part: round(cpu / polled * 1000, 1) for part, cpu in used.items()},
        "polls_per_s": round(polled / (end[2] - start[2]), 2),
        "run_statuses": statuses,
        "new_articles": new,
    }
    steady = [(r, s) for r, s, _ in samples if r >= skip and s is not None]
    forks = [(r, f) for r, _, f in samples if r >= skip and f is not None]
    for name, points in (("service", steady), ("forkserver", forks)):
        if len(points) >= 2:
            result[f"{name}_rss_mb"] = {
                "start": round(points[0][1] / 1024, 1),
                "end": round(points[-1][1] / 1024, 1),
                "max": round(max(kb for _, kb in points) / 1024, 1),
                "growth_mb_per_100_runs": round(slope(points) * 100 / 1024, 3),
                "runs": points[-1][0],
            }
    print(f"  {mode}: {json.dumps(result)}", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--outlets", type=int, default=500)
    parser.add_argument("--interval", type=int, default=120, help="seconds between an outlet's polls")
    parser.add_argument("--fork-polls", type=int, default=1000, help="polls counted in the first fork phase")
    parser.add_argument("--process-polls", type=int, default=60)
    parser.add_argument("--pairs", type=int, default=2, help="fork/process phases, interleaved")
    parser.add_argument("--skip", type=int, default=20, help="runs skipped at each phase's start")
    parser.add_argument(
        "--lists",
        type=int,
        default=0,
        help="official-list organisations in the archive (as `entities update`)",
    )
    parser.add_argument(
        "--modes", default="grouped,fork,process", help=f"comma-separated, interleaved: {', '.join(MODES)}"
    )
    parser.add_argument("--minutes", type=float, default=20.0, help="longest phase")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    print(f"load at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores", flush=True)
    web = FakeWeb().start()
    work = Path(tempfile.mkdtemp(prefix="newswatch-service-poll-"))
    try:
        (work / "outlets.toml").write_text(
            quiet_outlets(web, args.outlets, f"{args.interval}s", "o"), encoding="utf-8"
        )
        env = base_env(work)
        print(f"warming: one crawl of {args.outlets} outlets (archive and HTTP cache)", flush=True)
        warm = subprocess.run(
            [sys.executable, "-m", "newswatch", "crawl"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if warm.returncode != 0:
            print(warm.stderr[-3000:], file=sys.stderr)
            return 1
        if args.lists:
            listed(work / "data" / "newswatch.db", args.lists)
        template = work / "template"
        shutil.copytree(work / "data", template)
        phases = []
        modes = [m.strip() for m in args.modes.split(",") if m.strip() in MODES]
        for pair in range(args.pairs):
            for mode in modes:
                polls = args.process_polls if mode == "process" else (args.fork_polls if pair == 0 else 200)
                # grouped: the first round is every outlet due at once at start, each crawled alone
                skip = args.skip + (args.outlets if mode == "grouped" else 0)
                phases.append(phase(template, work, mode, skip, polls, args.minutes))
    finally:
        web.stop()
        shutil.rmtree(work, ignore_errors=True)
    summary: dict[str, Any] = {}
    for mode in MODES:
        figures = [p["cpu_ms_per_poll"] for p in phases if p["mode"] == mode and "cpu_ms_per_poll" in p]
        if figures:
            summary[mode] = {
                "cpu_ms_per_poll": {
                    "min": min(figures),
                    "median": statistics.median(figures),
                    "max": max(figures),
                },
                "phases": len(figures),
            }
    if "fork" in summary and "process" in summary:
        ratio = summary["process"]["cpu_ms_per_poll"]["median"] / summary["fork"]["cpu_ms_per_poll"]["median"]
        summary["process_over_fork"] = round(ratio, 1)
    if "grouped" in summary and "fork" in summary:
        ratio = summary["fork"]["cpu_ms_per_poll"]["median"] / summary["grouped"]["cpu_ms_per_poll"]["median"]
        summary["fork_over_grouped"] = round(ratio, 1)
    print(
        f"summary: {json.dumps(summary)}; target ≤ {TARGET_MS:.0f} ms per quiet poll (grouped, the default)"
    )
    result = {
        "load_at_start": [round(x, 2) for x in load],
        "cores": os.cpu_count(),
        "outlets": args.outlets,
        "interval_s": args.interval,
        "listed_organisations": args.lists,
        "phases": phases,
        "summary": summary,
        "target_ms": TARGET_MS,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    out = ROOT / "bench" / "results" / "service_poll.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
