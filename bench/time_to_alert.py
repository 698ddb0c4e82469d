"""Time to alert: the real service against a loopback outlet that publishes at random moments.

    python bench/time_to_alert.py [--interval 20] [--articles 8] [--span 150]
                                  [--quiet-outlets 0] [--group 10]

Starts `newswatch run` with one outlet polled every --interval seconds and a loopback Slack,
publishes --articles flagged stories at random moments over --span seconds, and reports the
seconds from publication (the story appearing in the feed) to the Slack post: median, p95,
max. With --quiet-outlets N, N more outlets on the same interval (three articles each, never
flagged), so the bench's outlet shares crawls with others (NEWSWATCH_CRAWL_GROUP, --group).
Target: p95 ≤ interval + 60 s. Writes bench/results/time_to_alert.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the loopback outlet and Slack the tests use

from fakeslack import FakeSlack  # noqa: E402
from fakeweb import FakeWeb  # noqa: E402
from memory import quiet_outlets  # noqa: E402
from outlet_sites import Story, pangea_page, paragraphs, rss  # noqa: E402

LEAD = "Chinese companies have supplied drone engines to Russia's military, officials said on {day}."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=int, default=20, help="outlet polling interval, seconds")
    parser.add_argument("--articles", type=int, default=8)
    parser.add_argument("--span", type=float, default=150.0, help="seconds over which articles appear")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quiet-outlets", type=int, default=0, help="more outlets, never flagged")
    parser.add_argument("--group", type=int, default=10, help="NEWSWATCH_CRAWL_GROUP")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    web, slack = FakeWeb().start(), FakeSlack().start()
    work = Path(tempfile.mkdtemp(prefix="newswatch-tta-"))
    items: list[tuple[str, str, datetime]] = []
    web.add("/feed.xml", rss(items), content_type="application/rss+xml")
    (work / "outlets.toml").write_text(
        f'[outlets.bench]\nname = "Bench"\nhomepage = "{web.url("/")}"\nfeeds = ["{web.url("/feed.xml")}"]\n'
        f"allow = ['/a/\\d+$']\ninterval = \"{args.interval}s\"\n\n"
        + (quiet_outlets(web, args.quiet_outlets, f"{args.interval}s", "q") if args.quiet_outlets else ""),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update(
        NEWSWATCH_OUTLETS=str(work / "outlets.toml"),
        NEWSWATCH_DB=str(work / "data" / "newswatch.db"),
        NEWSWATCH_DOWNLOAD_DELAY="0",
        NEWSWATCH_HTTPCACHE="0",
        SLACK_BOT_TOKEN="xoxb-bench",
        NEWSWATCH_SLACK_API_URL=slack.api_url,
        NEWSWATCH_SLACK_CHANNEL="#bench",
        NEWSWATCH_LOG_LEVEL="WARNING",
        NEWSWATCH_CRAWL_GROUP=str(args.group),
    )
    service = subprocess.Popen(
        [sys.executable, "-m", "newswatch", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(work / "service.log").open("w"),
    )
    published: dict[str, float] = {}
    try:
        time.sleep(3)  # the service starts and makes its first (empty) crawl
        moments = sorted(rng.uniform(0, args.span) for _ in range(args.articles))
        start = time.monotonic()
        for n, moment in enumerate(moments, start=1):
            time.sleep(max(0.0, start + moment - time.monotonic()))
            path = f"/a/{n}"
            when = datetime.now(UTC) - timedelta(minutes=1)
            story = Story(
                path,
                f"Bench story {n}",
                [LEAD.format(day=when.strftime("%A")), *paragraphs(f"item {n}")[1:]],
                when,
                ["Bench Reporter"],
            )
            web.add(path, pangea_page(story, web.url(path)))
            items.insert(0, (story.title, web.url(path), when))
            web.add("/feed.xml", rss(items), content_type="application/rss+xml")
            published[web.url(path)] = time.monotonic()
        deadline = time.monotonic() + args.interval + 90
        while time.monotonic() < deadline and len(slack.delivered()) < args.articles:
            time.sleep(0.2)
    finally:
        service.send_signal(signal.SIGTERM)
        try:
            service.wait(timeout=60)
        except subprocess.TimeoutExpired:
            service.kill()
        web.stop()
        slack.stop()
    latencies = []
    for call in slack.delivered():
        headline = call.payload["blocks"][0]["text"]["text"]
        url = next((u for u in published if u in headline), None)
        if url:
            latencies.append(call.at - published[url])
    missing = args.articles - len(latencies)
    result = {
        "interval_s": args.interval,
        "quiet_outlets": args.quiet_outlets,
        "group": args.group,
        "articles": args.articles,
        "delivered": len(latencies),
        "missing": missing,
        "median_s": round(statistics.median(latencies), 1) if latencies else None,
        "p95_s": round(sorted(latencies)[max(0, int(0.95 * len(latencies)) - 1)], 1) if latencies else None,
        "max_s": round(max(latencies), 1) if latencies else None,
        "target_p95_s": args.interval + 60,
    }
    print(
        f"time to alert over {args.articles} articles, outlet interval {args.interval} s, "
        f"{args.quiet_outlets} quiet outlets, crawl group {args.group}: "
        f"median {result['median_s']} s, p95 {result['p95_s']} s, max {result['max_s']} s "
        f"(target p95 ≤ {result['target_p95_s']} s); delivered {len(latencies)}, missing {missing}"
    )
    out = ROOT / "bench" / "results" / "time_to_alert.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**result, "latencies_s": [round(x, 2) for x in latencies]}, indent=2))
    return 0 if missing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
