"""Canonical links: an article is archived under its page's canonical link only when that link
is plausible for the page (same site, the outlet's article rules, article-shaped, not the
homepage or a source) and no different text holds it; otherwise under the URL it was fetched
from. Pure functions, the real archive, and real crawls of loopback outlets whose pages share
one canonical (a section, the homepage, a topic hub, another article, another host, a URL that
redirects), next to the legitimate case: a variant whose canonical is the article itself.
"""

from __future__ import annotations

import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakeweb import FakeWeb
from helpers import crawl_env, outlet_table, rows, run_newswatch, write_outlets
from outlet_sites import Story, pangea_page, paragraphs, rss

from newswatch.archive import MAX_MOVES, Archive
from newswatch.clock import fixed_clock
from newswatch.outlets import Outlet, load_outlets
from newswatch.records import Article, Candidate, Extraction
from newswatch.stories import StoryIndex, fingerprint
from pipelines.store import article_shaped, article_url, canonical_problem

SITE = "https://news.example.org"
NOW = datetime(2026, 11, 22, 10, tzinfo=UTC)
CLOCK = fixed_clock(NOW)  # the archive's "now": stories do not depend on the day the suite runs
RSS_TYPE = "application/rss+xml; charset=utf-8"


def outlet(allow: tuple[str, ...] = (), deny: tuple[str, ...] = ()) -> Outlet:
    """The outlet as the outlets file gives it (``domains`` and rules checked as they load)."""
    table = outlet_table(
        "news",
        f"{SITE}/en/",
        name="News",
        feeds=[f"{SITE}/en/rss/all-news-from-today.xml"],
        domains=["example.org"],
        allow=list(allow),
        deny=list(deny),
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "outlets.toml"
        path.write_text(table, encoding="utf-8")
        return load_outlets(path)["news"]


def article(url: str, canonical: str | None, text: str = "text", final_url: str | None = None) -> Article:
    candidate = Candidate(url=url, outlet="news", source=f"{SITE}/en/rss", source_kind="feed")
    item = Article(
        url=url, final_url=final_url or url, outlet="news", fetched_at=NOW, html="", candidate=candidate
    )
    item.extraction = Extraction(text=text, title="t", canonical_url=canonical, published=NOW)
    return item


# --- the plausibility of a canonical link ------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/world/europe/china-russia-drone-engines/",
        f"{SITE}/a/33000001.html",
        f"{SITE}/en/china-fills-gaps/a-70000001",
        f"{SITE}/post/41234",
        f"{SITE}/2026/11/20/satellite-images-shared-with-moscow",
        f"{SITE}/news/%E4%B8%AD%E5%9B%BD%E5%85%AC%E5%8F%B8%E5%90%91%E4%BF%84%E7%BD%97%E6%96%AF%E5%87%BA%E5%8F%A3",
        f"{SITE}/article/5f2b9c0d8e7a4b6c9d1e2f3a4b5c6d7e",
    ],
)
def test_article_urls_are_article_shaped(url: str) -> None:
    assert article_shaped(url)


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/",
        f"{SITE}/world/",
        f"{SITE}/news",
        f"{SITE}/en/world/europe",
        f"{SITE}/2026/11/",
        f"{SITE}/world/index.html",
        f"{SITE}/middle-east/",
        f"{SITE}/post/123",
        f"{SITE}/%D0%BF%D0%BE%D0%BB%D0%B8%D1%82%D0%B8%D0%BA%D0%B0/",  # /политика/
        f"{SITE}/%E5%9B%BD%E9%99%85/",  # /国际/
    ],
)
def test_homepages_sections_and_archives_are_not_article_shaped(url: str) -> None:
    assert not article_shaped(url)


OWN = f"{SITE}/world/china-sends-drone-engines-to-russia-5800001"


@pytest.mark.parametrize(
    ("canonical", "problem"),
    [
        (f"{SITE}/world/", "not an article's URL"),
        (f"{SITE}/", "not an article's URL"),
        (f"{SITE}/en/", "the outlet's homepage or a source"),
        (f"{SITE}/en/rss/all-news-from-today.xml", "the outlet's homepage or a source"),
        ("https://aggregator.example.com/world/china-sends-drone-engines-to-russia-5800001", "another site"),
        ("https://news.example.net/world/china-sends-drone-engines-to-russia-5800001", "another site"),
    ],
)
def test_an_implausible_canonical_is_refused_with_its_reason(canonical: str, problem: str) -> None:
    item = article(OWN, canonical)
    assert canonical_problem(canonical, item, outlet()) == problem
    assert article_url(item, outlet()) == OWN


def test_a_redirect_to_a_section_is_not_where_the_article_is_archived() -> None:
    section = f"{SITE}/world/"
    item = article(OWN, section, final_url=section)
    assert canonical_problem(section, item, outlet()) == "not an article's URL"
    assert article_url(item, outlet()) == OWN
    moved = f"{SITE}/world/china-sends-drone-engines-to-russia-updated-5800001"
    assert article_url(article(OWN, moved, final_url=moved), outlet()) == moved  # a moved article


def test_a_canonical_the_outlets_rules_refuse_is_not_used() -> None:
    rules = outlet(allow=(r"-\d{7}$",), deny=(r"/live/",))
    hub = f"{SITE}/topics/china-russia-military-ties"
    assert canonical_problem(hub, article(OWN, hub), rules) == "not allowed by the outlet's rules"
    live = f"{SITE}/live/china-russia-blog-5800009"
    assert canonical_problem(live, article(OWN, live), rules) == "denied by the outlet's rules"


@pytest.mark.parametrize(
    ("fetched", "canonical"),
    [
        (f"{SITE}/world/china-sends-drone-engines-to-russia-5800001?view=print", OWN),  # a print variant
        ("https://m.news.example.org/world/china-sends-drone-engines-to-russia-5800001", OWN),  # mobile
        (f"{SITE}/a/5800001", OWN),  # an id-only alias
        (OWN, OWN),  # the page itself
    ],
)
def test_a_variants_canonical_naming_the_article_is_used(fetched: str, canonical: str) -> None:
    assert article_url(article(fetched, canonical), outlet()) == canonical


# --- the archive: a canonical another text holds -----------------------------------------------


TEXTS = [
    " ".join(paragraphs(topic, 8)) for topic in ("drone engines", "machine tools", "gunpowder deliveries")
]


def store(archive: Archive, item: Article, url: str, stories: StoryIndex) -> str:
    assert item.extraction is not None
    fp = fingerprint(item.extraction.title, item.extraction.text)
    return archive.articles.store(item, item.extraction, url, "run", fp, stories).outcome


def archived(archive: Archive) -> dict[str, str]:
    return dict(archive.conn.execute("SELECT url, text FROM articles").fetchall())


def test_three_texts_sharing_one_canonical_are_each_archived_under_their_own_url(tmp_path: Path) -> None:
    archive, stories = Archive(tmp_path / "newswatch.db", clock=CLOCK), StoryIndex()
    hub = f"{SITE}/topics/china-russia-military-ties"  # article-shaped: only the texts tell
    own = [f"{SITE}/world/story-number-{n}-on-supplies" for n in range(3)]
    outcomes = [store(archive, article(u, hub, t), hub, stories) for u, t in zip(own, TEXTS, strict=True)]
    assert outcomes == ["new", "new", "new"]
    assert archived(archive) == dict(zip(own, TEXTS, strict=True))
    assert archive.seen.get(hub) is not None and archive.seen.get(hub).status == "shared_canonical"  # type: ignore[union-attr]
    assert archive.seen.skip_reason(hub, None) is None  # the hub's own page may still be fetched
    fourth = f"{SITE}/world/story-number-3-on-supplies"
    assert store(archive, article(fourth, hub, TEXTS[0] + " A fourth text."), hub, stories) == "new"
    assert fourth in archived(archive)
    archive.close()


def test_a_page_whose_url_another_text_took_as_canonical_gets_it_back(tmp_path: Path) -> None:
    archive, stories = Archive(tmp_path / "newswatch.db", clock=CLOCK), StoryIndex()
    squatter = f"{SITE}/world/story-number-1-on-supplies"
    real = f"{SITE}/world/story-number-2-on-supplies"
    assert store(archive, article(squatter, real, TEXTS[0]), real, stories) == "new"  # trusted, for now
    assert store(archive, article(real, real, TEXTS[1]), real, stories) == "new"
    assert archived(archive) == {squatter: TEXTS[0], real: TEXTS[1]}
    archive.close()


def test_a_variant_of_an_archived_article_is_a_duplicate_under_its_canonical(tmp_path: Path) -> None:
    archive, stories = Archive(tmp_path / "newswatch.db", clock=CLOCK), StoryIndex()
    assert store(archive, article(OWN, OWN, TEXTS[0]), OWN, stories) == "new"
    mobile = OWN + "?view=mobile"
    cut = TEXTS[0][: len(TEXTS[0]) * 3 // 4]  # a shorter rendering of the same text
    assert store(archive, article(mobile, OWN, cut), OWN, stories) == "duplicate"
    assert archived(archive) == {OWN: TEXTS[0]}
    archive.close()


def test_a_revisit_of_a_variant_revises_the_article_under_its_canonical(tmp_path: Path) -> None:
    archive, stories = Archive(tmp_path / "newswatch.db", clock=CLOCK), StoryIndex()
    variant = OWN + "?view=print"
    assert store(archive, article(variant, OWN, TEXTS[0]), OWN, stories) == "new"
    item = article(variant, OWN, TEXTS[1])
    assert item.extraction is not None
    fp = fingerprint(item.extraction.title, item.extraction.text)
    stored = archive.articles.store(item, item.extraction, OWN, "run", fp, stories, revisit=True)
    assert stored.outcome == "revised" and archived(archive) == {OWN: TEXTS[1]}
    archive.close()


# --- real crawls -------------------------------------------------------------------------------


def serve_outlet(
    web: FakeWeb, key: str, canonical: str | None, topics: list[str], delays: list[float] | None = None
) -> tuple[str, list[tuple[str, Story]]]:
    """An outlet whose feed lists one article per topic, each page naming ``canonical`` (None:
    its own URL) as canonical link; (its outlets.toml table, [(URL, story)])."""
    now = datetime.now(UTC).replace(microsecond=0)
    served = []
    for n, topic in enumerate(topics):
        story = Story(
            f"/{key}/news/{topic.replace(' ', '-')}-report-{n}",
            f"Report on {topic}",
            paragraphs(topic, 8),
            now - timedelta(hours=1 + n),
        )
        url = web.url(story.path)
        delay = delays[n] if delays else 0.0
        web.add(story.path, pangea_page(story, canonical or url), delay=delay)
        served.append((url, story))
    feed = rss([(s.title, u, s.published) for u, s in served])
    web.add(f"/{key}/rss.xml", feed, content_type=RSS_TYPE)
    table = outlet_table(key, web.url(f"/{key}/"), feeds=[web.url(f"/{key}/rss.xml")])
    return table, served


TOPICS = ["drone engines", "machine tools", "gunpowder deliveries"]


def test_articles_sharing_a_canonical_are_all_archived_under_their_own_urls(
    tmp_path: Path, web: FakeWeb
) -> None:
    """One crawl, one outlet per way a canonical can mislead; every article is archived once,
    under its own URL, with its own text, and every run is ``ok`` with the right counters."""
    web.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    port = web.server.server_address[1]
    web.add("/redirects/go/4400001", b"", status=301, headers={"Location": web.url("/redirects/")})
    cases = {
        "section": web.url("/section/news/"),
        "homepage": web.url("/homepage/"),
        "hub": web.url("/hub/topics/china-russia-military-ties"),
        "offhost": f"http://localhost:{port}/offhost/news/the-one-true-story-report-9",
        "redirects": web.url("/redirects/go/4400001"),
    }
    tables, expected = [], {}
    for key, canonical in cases.items():
        table, served = serve_outlet(web, key, canonical, TOPICS)
        tables.append(table)
        expected[key] = served
    # an article whose canonical names another article of the feed, fetched first
    table, served = serve_outlet(web, "other", None, TOPICS[:2], delays=[0.0, 0.6])
    other_first, other_second = served
    web.add(other_first[1].path, pangea_page(other_first[1], other_second[0]))
    tables.append(table)
    expected["other"] = served
    outlets = tmp_path / "outlets.toml"
    outlets.write_text("\n".join(tables), encoding="utf-8")
    result = run_newswatch(["crawl", "-s", "RETRY_TIMES=0"], crawl_env(tmp_path, outlets))
    assert result.returncode == 0, result.stderr[-3000:]

    db = tmp_path / "data" / "newswatch.db"
    stored = {r["url"]: r for r in rows(db, "SELECT url, title, text, outlet FROM articles")}
    want = {url: story for served in expected.values() for url, story in served}
    assert set(stored) == set(want)
    for url, story in want.items():
        assert story.paragraphs[0] in str(stored[url]["text"]), url  # its own text
    runs = {r["outlet"]: r for r in rows(db, "SELECT * FROM crawl_runs")}
    for key, served in expected.items():
        run = runs[key]
        assert (run["status"], run["new"], run["skipped_seen"], run["errors"]) == ("ok", len(served), 0, 0), (
            key
        )
    assert web.hits("/redirects/go/4400001") == 0  # a canonical link is not fetched


def test_a_variant_is_archived_once_under_its_canonical(tmp_path: Path, web: FakeWeb) -> None:
    """The legitimate case: a feed lists a print variant whose canonical is the article."""
    web.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    now = datetime.now(UTC).replace(microsecond=0)
    story = Story(
        "/variant/news/drone-engines-report-1", "Drone engines", paragraphs("drone engines", 8), now
    )
    url = web.url(story.path)
    web.add(story.path, pangea_page(story, url))
    web.add("/variant/rss.xml", rss([(story.title, url + "?view=print", now)]), content_type=RSS_TYPE)
    outlets = tmp_path / "outlets.toml"
    write_outlets(
        outlets, outlet_table("variant", web.url("/variant/"), name="V", feeds=[web.url("/variant/rss.xml")])
    )
    result = run_newswatch(["crawl", "-s", "RETRY_TIMES=0"], crawl_env(tmp_path, outlets))
    assert result.returncode == 0, result.stderr[-3000:]
    db = tmp_path / "data" / "newswatch.db"
    assert [r["url"] for r in rows(db, "SELECT url FROM articles")] == [url]
    assert rows(db, "SELECT status, new FROM crawl_runs") == [{"status": "ok", "new": 1}]


# --- chains and cycles of borrowed canonicals ------------------------------------------------

TOPICS_BY_PAGE = [
    "drone engines",
    "machine tools",
    "gunpowder deliveries",
    "satellite images",
    "ball bearings",
    "naval exercises",
    "chip smuggling",
]


def page(name: str) -> str:
    return f"{SITE}/en/a/story-{name}-on-supplies"


def text_of(n: int) -> str:
    return " ".join(paragraphs(TOPICS_BY_PAGE[n], 8))


def fetch(
    archive: Archive, stories: StoryIndex, url: str, canonical: str, text: str, revisit: bool = False
) -> str:
    """Store one fetched page as the pipeline does; the outcome, checked against the invariant:
    an article is only ever a duplicate (or unchanged) of the very text archived under that URL."""
    item = article(url, canonical, text)
    assert item.extraction is not None
    fp = fingerprint(item.extraction.title, item.extraction.text)
    stored = archive.articles.store(item, item.extraction, canonical, "run", fp, stories, revisit=revisit)
    if stored.outcome in ("duplicate", "unchanged"):
        held = archive.conn.execute("SELECT text FROM articles WHERE id = ?", (stored.article_id,)).fetchone()
        assert held is not None and held[0] == text, f"{url} reported {stored.outcome} of another text"
    return stored.outcome


def test_a_chain_of_borrowed_canonicals_loses_no_article(tmp_path: Path) -> None:
    """X names Y's page, Z names X's page, then Y's own page arrives: Y is archived, not a duplicate."""
    archive, stories = Archive(tmp_path / "newswatch.db", clock=CLOCK), StoryIndex()
    x, y, z = page("x"), page("y"), page("z")
    outcomes = [
        fetch(archive, stories, u, c, text_of(n)) for n, (u, c) in enumerate([(x, y), (z, x), (y, y)])
    ]
    assert outcomes == ["new", "new", "new"]
    assert archived(archive) == {x: text_of(0), z: text_of(1), y: text_of(2)}
    archive.close()


@pytest.mark.parametrize("names", [("x", "y"), ("x", "y", "z")])
def test_pages_naming_each_other_as_canonical_each_keep_their_own_url(
    tmp_path: Path, names: tuple[str, ...]
) -> None:
    """A cycle (X names Y, Y names X; or X→Y→Z→X): no text is archived under another's page."""
    archive, stories = Archive(tmp_path / "newswatch.db", clock=CLOCK), StoryIndex()
    urls = [page(n) for n in names]
    pairs = [(u, urls[(n + 1) % len(urls)]) for n, u in enumerate(urls)]
    assert [fetch(archive, stories, u, c, text_of(n)) for n, (u, c) in enumerate(pairs)] == ["new"] * len(
        urls
    )
    assert archived(archive) == {u: text_of(n) for n, u in enumerate(urls)}
    for n, (u, c) in enumerate(pairs):  # revisits change nothing
        assert fetch(archive, stories, u, c, text_of(n), revisit=True) == "unchanged"
        assert fetch(archive, stories, u, c, text_of(n)) == "duplicate"
    assert archived(archive) == {u: text_of(n) for n, u in enumerate(urls)}
    archive.close()


def test_a_long_chain_of_borrowed_canonicals_moves_every_text_to_its_own_page(tmp_path: Path) -> None:
    """Pages 6, 5, …, 1 each name the previous page (unfetched when named); then page 0 arrives:
    every text is pushed back to its own page, one after the other, and page 0 is archived."""
    archive, stories = Archive(tmp_path / "newswatch.db", clock=CLOCK), StoryIndex()
    urls = [page(f"n{n}") for n in range(7)]
    for n in range(6, 0, -1):
        assert fetch(archive, stories, urls[n], urls[n - 1], text_of(n)) == "new"
    assert fetch(archive, stories, urls[0], urls[0], text_of(0)) == "new"
    assert archived(archive) == {u: text_of(n) for n, u in enumerate(urls)}
    archive.close()


def test_any_small_canonical_graph_archives_every_text_once(tmp_path: Path) -> None:
    """Random graphs of 2-5 pages, each naming a random page as canonical (itself, or a hub
    never fetched, included),
    fetched in a random order with random revisits: every text is archived exactly once, under
    the page it was fetched from or its canonical when that is no other fetched page, and no
    fetch is reported a duplicate of a different text."""
    rng = random.Random(17)
    for trial in range(60):
        archive, stories = Archive(tmp_path / f"graph-{trial}.db", clock=CLOCK), StoryIndex()
        size = rng.randint(2, 5)
        urls = [page(f"g{n}") for n in range(size)]
        canonical = {u: rng.choice([*urls, page("hub")]) for u in urls}  # the hub is never fetched
        order = rng.sample(urls, size) + rng.choices(urls, k=rng.randint(0, size))
        fetched: set[str] = set()
        for u in order:
            n = urls.index(u)
            first = u not in fetched
            outcome = fetch(
                archive, stories, u, canonical[u], text_of(n), revisit=not first and rng.random() < 0.5
            )
            assert outcome == "new" if first else outcome in ("duplicate", "unchanged"), (trial, u, outcome)
            fetched.add(u)
            held = archived(archive)
            assert sorted(held.values()) == sorted(text_of(urls.index(v)) for v in fetched), (
                trial,
                canonical,
            )
            for where, text in held.items():
                own = urls[[text_of(m) for m in range(size)].index(text)]
                others = fetched - {own}
                assert where == own or (where == canonical[own] and where not in others), (
                    trial,
                    canonical,
                    order,
                    where,
                    own,
                )
        archive.close()


def test_a_page_fetched_again_with_a_different_text_is_kept_not_a_duplicate(tmp_path: Path) -> None:
    """The same page reached again (here through a redirecting alias, not a revisit) with a
    different text: the new text is kept as a revision, the old one as a version."""
    archive, stories = Archive(tmp_path / "newswatch.db", clock=CLOCK), StoryIndex()
    assert fetch(archive, stories, OWN, OWN, TEXTS[0]) == "new"
    item = article(f"{SITE}/a/5800001", OWN, TEXTS[1], final_url=OWN)
    assert item.extraction is not None
    fp = fingerprint(item.extraction.title, item.extraction.text)
    assert archive.articles.store(item, item.extraction, OWN, "run", fp, stories).outcome == "revised"
    assert archived(archive) == {OWN: TEXTS[1]}
    assert archive.conn.execute("SELECT text FROM article_versions").fetchall() == [(TEXTS[0],)]
    assert fetch(archive, stories, OWN, OWN, TEXTS[1]) == "duplicate"
    archive.close()


def test_a_chain_longer_than_the_move_bound_still_archives_every_text(tmp_path: Path) -> None:
    """Past ``MAX_MOVES`` the cascade stops: the last row moved goes under its page's URL
    marked with its id, and the arriving page is still archived under its own URL."""
    archive = Archive(tmp_path / "newswatch.db", clock=CLOCK)
    count = MAX_MOVES + 4
    urls = [page(f"long{n}") for n in range(count)]
    texts = [f"{text_of(n % len(TOPICS_BY_PAGE))} Page number {n} of {count}." for n in range(count)]
    for n in range(count - 1, 0, -1):
        item = article(urls[n], urls[n - 1], texts[n])
        assert item.extraction is not None
        assert archive.articles.store(item, item.extraction, urls[n - 1], "run").outcome == "new"
    item = article(urls[0], urls[0], texts[0])
    assert item.extraction is not None
    assert archive.articles.store(item, item.extraction, urls[0], "run").outcome == "new"
    held = archived(archive)
    assert sorted(held.values()) == sorted(texts) and held[urls[0]] == texts[0]
    assert all(held[urls[n]] == texts[n] for n in range(MAX_MOVES + 1))
    archive.close()


def test_a_page_whose_canonical_changed_between_fetches_loses_neither_text(tmp_path: Path) -> None:
    """P named U as canonical, then a revisit of P names itself: two texts fetched from P. When
    U's own page arrives, P's first text cannot go back to P (its newer text is there): it is
    kept under P's URL marked with its id, and U is archived under its own URL."""
    archive, stories = Archive(tmp_path / "newswatch.db", clock=CLOCK), StoryIndex()
    p, u = page("p"), page("u")
    assert fetch(archive, stories, p, u, text_of(0)) == "new"
    assert fetch(archive, stories, p, p, text_of(1), revisit=True) == "new"
    assert fetch(archive, stories, u, u, text_of(2)) == "new"
    held = archived(archive)
    assert held[u] == text_of(2) and held[p] == text_of(1)
    assert sorted(held.values()) == sorted(text_of(n) for n in range(3))
    archive.close()


# --- keys written before a tracking parameter joined the list ---------------------------------


def test_an_article_archived_before_a_tracking_parameter_joined_the_list_is_not_archived_twice(
    tmp_path: Path,
) -> None:
    """Before ``traffic_source`` was stripped, a feed's ``?traffic_source=rss`` spelling was the
    URL fetched and its key was marked seen; the page's canonical link (the clean URL) held the
    article. That key stays as it was, ``canonical_keys`` still gives it, and the clean URL the
    feed now yields is the same article, not a second one."""
    from newswatch.urls import canonical_keys, canonicalize, first_rule_canonical, url_hash

    archive, stories = Archive(tmp_path / "newswatch.db", clock=CLOCK), StoryIndex()
    clean = f"{SITE}/news/2026/11/20/china-drone-parts-5800001"
    found = clean + "?traffic_source=rss"
    then = first_rule_canonical(found)  # what the previous release fetched and marked seen
    assert then == found and canonicalize(found) == clean
    assert store(archive, article(then, clean, TEXTS[0]), clean, stories) == "new"
    keys = {row[0] for row in archive.conn.execute("SELECT url_hash FROM seen_urls")}
    assert url_hash(then) in keys and canonical_keys(found)[1] == url_hash(then)
    assert store(archive, article(clean, clean, TEXTS[0]), clean, stories) == "duplicate"
    assert archived(archive) == {clean: TEXTS[0]}
    assert url_hash(then) in {row[0] for row in archive.conn.execute("SELECT url_hash FROM seen_urls")}
    archive.close()


def test_a_feed_url_an_older_release_marked_seen_is_not_fetched_again(tmp_path: Path, web: FakeWeb) -> None:
    """The previous release kept ``traffic_source`` and marked the feed's spelling seen; today
    the feed's link cleans to another key, and the earlier one still says "seen"."""
    from newswatch.urls import first_rule_canonical

    web.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    now = datetime.now(UTC).replace(microsecond=0)
    story = Story("/legacy/news/drone-engines-report-1", "Drone engines", paragraphs("drone engines", 8), now)
    url = web.url(story.path)
    listed = url + "?traffic_source=rss"
    web.add(story.path, pangea_page(story, url))
    web.add("/legacy/rss.xml", rss([(story.title, listed, now)]), content_type=RSS_TYPE)
    outlets = write_outlets(
        tmp_path / "outlets.toml",
        outlet_table("legacy", web.url("/legacy/"), name="L", feeds=[web.url("/legacy/rss.xml")]),
    )
    archive = Archive(tmp_path / "data" / "newswatch.db")
    archive.seen.mark([first_rule_canonical(listed)], "legacy", "archived", published=now)
    archive.close()
    result = run_newswatch(["crawl", "-s", "RETRY_TIMES=0"], crawl_env(tmp_path, outlets))
    assert result.returncode == 0, result.stderr[-3000:]
    assert web.hits(story.path) == 0
    runs = rows(tmp_path / "data" / "newswatch.db", "SELECT status, new, skipped_seen FROM crawl_runs")
    assert runs == [{"status": "ok", "new": 0, "skipped_seen": 1}]
