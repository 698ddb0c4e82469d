"""The gazetteer's entities: stable ids and facts in the rule files, the entities an article
names (stored in ``article_entities``), and their facts in the Slack alert."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from helpers import ROOT, crawl_env, run_newswatch

RULES = ROOT / "config" / "rules"
WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

ENTITY = """
[[entities]]
id = "{id}"
name = "{name}"
group = "CN_SUPPLIERS"
supplied = "drone engines"
aliases = [{aliases}]
sources = ["https://example.org/{id}"]
"""


def _rules_with(tmp_path: Path, extra: str) -> Path:
    """The default rules with ``extra`` appended to the gazetteer."""
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    gazetteer = folder / "gazetteer.toml"
    gazetteer.write_text(gazetteer.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return folder


# --- the gazetteer as data ------------------------------------------------------------------


def test_the_gazetteer_loads_entities_with_ids_facts_and_sources() -> None:
    from newswatch.rules import load_ruleset

    matcher = load_ruleset(RULES)
    gazetteer = matcher.gazetteer
    assert gazetteer is not None and len(gazetteer) >= 29
    limbach = gazetteer.get("xiamen-limbach")
    assert limbach is not None
    assert limbach.name.startswith("Xiamen Limbach Aircraft Engine") and limbach.supplied == "drone engines"
    assert ("US", "2024-10-17") in {(d.by, d.date) for d in limbach.designations}
    assert "廈門林巴賀" in limbach.aliases and all(s.startswith("https://") for s in limbach.sources)
    for entity in gazetteer.entities:  # every entity is sourced, and belongs to the gazetteer group
        assert entity.sources and entity.group == "CN_SUPPLIERS" and entity.supplied
    named_only = gazetteer.get("dalian-machine-tool")  # US officials named it; nobody designated it
    assert named_only is not None and named_only.designations == ()
    # the group the rules use is made of the entities' aliases, the same 59 as before
    aliases = [a for e in gazetteer.entities for a in e.aliases]
    assert matcher.groups["CN_SUPPLIERS"] == aliases and len(aliases) == 59
    assert len({e.id for e in gazetteer.entities}) == len(gazetteer.entities)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ENTITY.format(id="x", name="X", aliases='"Xintuo Xeno"').replace('id = "x"\n', ""),
            "gazetteer.toml: entity #31 ('X'): key 'id': is required",
        ),
        (
            ENTITY.format(id="spacety", name="Another Spacety", aliases='"Spacety Two"'),
            "gazetteer.toml: entity 'spacety': key 'id': already used in ",
        ),
        (  # the traditional spelling of an alias of another entity is that alias
            ENTITY.format(id="limbach-copy", name="Copy", aliases='"Limbach Copy", "厦门林巴贺"'),
            "gazetteer.toml: entity 'limbach-copy': key 'aliases[1]': '厦门林巴贺' is already an alias "
            "of entity 'xiamen-limbach'",
        ),
        (
            ENTITY.format(id="case-copy", name="Copy", aliases='"XIAMEN-limbach"'),
            "gazetteer.toml: entity 'case-copy': key 'aliases[0]': 'XIAMEN-limbach' is already an alias "
            "of entity 'xiamen-limbach'",
        ),
        (
            ENTITY.format(id="Bad Id", name="Bad", aliases='"Bad Id Co"'),
            "gazetteer.toml: entity 'Bad Id': key 'id': entity ids are lower-case letters and digits",
        ),
        (
            ENTITY.format(id="undated", name="Undated", aliases='"Undated Co"')
            + 'designations = [{ by = "US", action = "OFAC", date = "2024-13-01" }]\n',
            "gazetteer.toml: entity 'undated': key 'designations[0].date': '2024-13-01' is not a date",
        ),
        (
            ENTITY.format(id="nogroup", name="No group", aliases='"No Group Co"').replace(
                "CN_SUPPLIERS", "CN_SUPPLIER"
            ),
            "gazetteer.toml: entity 'nogroup': key 'group': unknown group 'CN_SUPPLIER' "
            "(did you mean CN_SUPPLIERS?)",
        ),
        (
            ENTITY.format(id="unsourced", name="Unsourced", aliases='"Unsourced Co"').replace(
                'sources = ["https://example.org/unsourced"]', "sources = []"
            ),
            "gazetteer.toml: entity 'unsourced': key 'sources': must not be empty",
        ),
    ],
    ids=[
        "missing-id",
        "duplicate-id",
        "alias-shared-across-scripts",
        "alias-shared",
        "bad-id",
        "bad-date",
        "unknown-group",
        "no-source",
    ],
)
def test_a_malformed_entity_is_one_line_naming_file_entity_and_key(
    tmp_path: Path, extra: str, message: str
) -> None:
    from newswatch.rules import RuleConfigError, load_ruleset
    from newswatch.rules.loader import load_gazetteer

    folder = _rules_with(tmp_path, extra)
    for load in (load_ruleset, load_gazetteer):
        with pytest.raises(RuleConfigError) as caught:
            load(folder)
        line = str(caught.value)
        assert "\n" not in line and line.startswith(str(folder / "gazetteer.toml")), line
        assert message in line, line
    env = crawl_env(tmp_path, ROOT / "config" / "outlets.toml", NEWSWATCH_RULES=str(folder))
    done = run_newswatch(["rules", "check"], env)
    assert done.returncode == 2 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1


# --- which entities an article names ---------------------------------------------------------


def test_an_article_names_entities_by_english_chinese_and_script_variant_aliases() -> None:
    from newswatch.rules import load_ruleset

    matcher = load_ruleset(RULES)
    gazetteer = matcher.gazetteer
    assert gazetteer is not None
    english = gazetteer.named_in(
        "US sanctions drone-engine makers",
        "Treasury named Xiamen-Limbach Aircraft Engines and Redlepus Vector Industry.",
    )
    assert english == ("xiamen-limbach", "redlepus-vector")
    traditional = gazetteer.named_in("美國制裁廈門林巴賀", "紅兔矢量實業深圳有限公司亦遭制裁。")
    simplified = gazetteer.named_in("", "厦门林巴贺航空发动机公司")
    assert traditional == ("xiamen-limbach", "redlepus-vector") and simplified == ("xiamen-limbach",)
    assert gazetteer.named_in("Weather", "Sunny in Xiamen; Limbach is a town in Germany.") == ()
    # from a verdict's matched words: the engine reports them by group only
    verdict = matcher.classify(
        "廈門林巴賀向俄羅斯軍方供應無人機發動機",
        "美國財政部表示，廈門林巴賀為俄羅斯的無人機提供發動機。",
        "zh",
    )
    assert any(t.group == "CN_SUPPLIERS" for t in verdict.terms)
    assert gazetteer.named_by(verdict.terms) == ("xiamen-limbach",)


def _fetched(url: str, title: str, text: str, language: str) -> Any:
    from newswatch.records import Article, Candidate, Extraction

    candidate = Candidate(url=url, outlet="news", source="https://news.example.org/rss", source_kind="feed")
    item = Article(url=url, final_url=url, outlet="news", fetched_at=WHEN, html="", candidate=candidate)
    item.extraction = Extraction(text=text, title=title, published=WHEN, language=language)
    return item


@pytest.fixture
def pipeline() -> Any:
    from newswatch.claims import cues_beside, load_cues
    from newswatch.rules import load_ruleset
    from pipelines.classify import ClassifyPipeline

    return ClassifyPipeline(None, load_ruleset(RULES), load_cues(cues_beside(str(RULES))))  # type: ignore[arg-type]


def _entities(db: Path) -> dict[str, list[str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT a.url, e.entity_id FROM article_entities e JOIN articles a ON a.id = e.article_id "
            "ORDER BY a.url, e.rowid"
        ).fetchall()
    found: dict[str, list[str]] = {}
    for url, entity_id in rows:
        found.setdefault(url, []).append(entity_id)
    return found


def test_articles_naming_an_entity_in_chinese_and_in_english_store_the_same_id(
    tmp_path: Path, pipeline: Any
) -> None:
    from newswatch.archive import Archive
    from newswatch.clock import fixed_clock
    from newswatch.stories import StoryIndex, fingerprint

    archive, stories = Archive(tmp_path / "newswatch.db", clock=fixed_clock(WHEN)), StoryIndex()
    articles = [
        (
            "https://news.example.org/zh/1",
            "美國制裁廈門林巴賀",
            "美國財政部表示，廈門林巴賀為俄羅斯軍方的無人機提供發動機。",
            "zh",
        ),
        (
            "https://news.example.org/en/2",
            "US sanctions Chinese drone-engine maker",
            "The Treasury said Xiamen Limbach Aircraft Engine supplied engines for Russia's Garpiya "
            "attack drones, and named Redlepus too.",
            "en",
        ),
        (
            "https://news.example.org/en/3",
            "Weather",
            "Sunny in Brussels all week, with a light breeze.",
            "en",
        ),
    ]
    for url, title, text, language in articles:
        item = pipeline.process_item(_fetched(url, title, text, language))
        archive.articles.store(item, item.extraction, url, "run", fingerprint(title, text), stories)
    archive.close()
    assert _entities(tmp_path / "newswatch.db") == {
        "https://news.example.org/zh/1": ["xiamen-limbach"],
        "https://news.example.org/en/2": ["xiamen-limbach", "redlepus-vector"],
    }


def test_search_by_entity_finds_articles_naming_it_in_any_script(tmp_path: Path, pipeline: Any) -> None:
    from newswatch.archive import Archive
    from newswatch.clock import fixed_clock
    from newswatch.stories import StoryIndex, fingerprint

    db = tmp_path / "data" / "newswatch.db"
    db.parent.mkdir()
    archive, stories = Archive(db, clock=fixed_clock(WHEN)), StoryIndex()
    articles = {
        "https://news.example.org/zh/1": (
            "美國制裁廈門林巴賀",
            "美國財政部表示，廈門林巴賀為俄羅斯軍方的無人機提供發動機。",
            "zh",
        ),
        "https://news.example.org/en/2": (
            "Treasury names two drone-engine makers",
            "The Treasury said Xiamen Limbach Aircraft Engine and Redlepus Vector Industry supplied "
            "engines for Russia's attack drones.",
            "en",
        ),
        "https://news.example.org/en/3": ("Weather", "Sunny in Xiamen all week, with a light breeze.", "en"),
    }
    for url, (title, text, language) in articles.items():
        item = pipeline.process_item(_fetched(url, title, text, language))
        archive.articles.store(item, item.extraction, url, "run", fingerprint(title, text), stories)
    archive.close()
    env = crawl_env(tmp_path, ROOT / "config" / "outlets.toml", NEWSWATCH_DB=str(db))

    def found(*args: str) -> list[tuple[str, list[str]]]:
        result = run_newswatch(["search", *args, "--json"], env)
        assert result.returncode == 0, result.stderr
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        return sorted((row["url"], row["entities"]) for row in rows)

    # an alias in another script, part of a name, and a word query narrowed by an entity
    assert found("--entity", "厦门林巴贺") == [
        ("https://news.example.org/en/2", ["xiamen-limbach", "redlepus-vector"]),
        ("https://news.example.org/zh/1", ["xiamen-limbach"]),
    ]
    assert [url for url, _ in found("engines", "--entity", "redlepus", "--entity", "limbach")] == [
        "https://news.example.org/en/2"
    ]
    ambiguous = run_newswatch(["search", "--entity", "technology"], env)
    assert ambiguous.returncode == 2 and "matches" in ambiguous.stderr and "give one id" in ambiguous.stderr
    assert "Traceback" not in ambiguous.stderr and ambiguous.stdout == ""
    # articles archived before entity tracking (no rows, no mark) are read once, then found
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM article_entities")
        conn.execute("UPDATE articles SET entities_with = NULL")
    first = run_newswatch(["search", "--entity", "xiamen-limbach", "--json"], env)
    assert first.returncode == 0 and "reading 3 older articles for the entities they name" in first.stderr
    assert len(first.stdout.splitlines()) == 2
    again = run_newswatch(["search", "--entity", "xiamen-limbach", "--json"], env)
    assert again.stderr == "" and again.stdout == first.stdout  # read once


def test_an_entity_name_resolves_by_id_then_by_any_part_of_a_name() -> None:
    from newswatch.rules.loader import load_gazetteer

    gazetteer = load_gazetteer(RULES)
    assert [e.id for e in gazetteer.find("SPACETY")] == ["spacety"]
    assert [e.id for e in gazetteer.find("  xiamen   LIMBACH ")] == ["xiamen-limbach"]  # spacing, case
    assert [e.id for e in gazetteer.find("廈門林巴賀")] == ["xiamen-limbach"]
    assert [e.id for e in gazetteer.find("廣州歐賽")] == ["guangzhou-ausay"]  # its alias is simplified
    assert [e.id for e in gazetteer.find("Xiamen Limbach Aircraft Engine Co Ltd")] == ["xiamen-limbach"]
    assert len(gazetteer.find("technology")) > 1
    assert gazetteer.find("no such company") == () and gazetteer.find("  ") == ()


def test_a_revision_that_drops_an_entity_removes_its_row(tmp_path: Path, pipeline: Any) -> None:
    from newswatch.archive import Archive
    from newswatch.clock import fixed_clock
    from newswatch.stories import StoryIndex, fingerprint

    archive, stories = Archive(tmp_path / "newswatch.db", clock=fixed_clock(WHEN)), StoryIndex()
    url = "https://news.example.org/world/drones-1"

    def store(title: str, text: str, revisit: bool) -> str:
        item = pipeline.process_item(_fetched(url, title, text, "en"))
        stored = archive.articles.store(
            item, item.extraction, url, "run", fingerprint(title, text), stories, revisit
        )
        return str(stored.outcome)

    assert (
        store(
            "US sanctions drone-engine suppliers",
            "The Treasury sanctioned Xiamen Limbach and Spacety for supplying Russia's military.",
            False,
        )
        == "new"
    )
    assert _entities(tmp_path / "newswatch.db") == {url: ["xiamen-limbach", "spacety"]}
    assert (
        store(
            "US sanctions drone-engine supplier",
            "The Treasury sanctioned Xiamen Limbach for supplying Russia's military; an earlier version "
            "named a second company in error.",
            True,
        )
        == "revised"
    )
    assert _entities(tmp_path / "newswatch.db") == {url: ["xiamen-limbach"]}
    assert store("Weather", "Sunny in Brussels all week, with a light breeze.", True) == "revised"
    assert _entities(tmp_path / "newswatch.db") == {}
    archive.close()


# --- the facts in the Slack alert ------------------------------------------------------------

HOSTILE_ENTITY = """
[[entities]]
id = "evil-widget"
name = "<!channel> Evil & <https://evil.example|Widget> Co., Ltd."
group = "CN_SUPPLIERS"
supplied = "drone *engines* <b>"
aliases = ["Evil Widget Works"]
designations = [{ by = "UK", action = "sanctions designation", date = "2025-01-02" }]
sources = ["https://example.org/evil"]
"""
NAMING_FIVE = (
    "Evil Widget Works, Xiamen Limbach and Redlepus shipped drone engines to Russia's military",
    "Evil Widget Works, Xiamen Limbach Aircraft Engine and Redlepus shipped drone engines for Russia's "
    "Garpiya attack drones, Western officials said. Spacety and Juhang Aviation supplied Russia's "
    "military as well.",
)


def _archive_with(tmp_path: Path, rules: Path, title: str, text: str) -> Path:
    """An archive holding one classified article (and its pending alert)."""
    from newswatch.archive import Archive
    from newswatch.claims import cues_beside, load_cues
    from newswatch.clock import fixed_clock
    from newswatch.rules import load_ruleset
    from newswatch.stories import StoryIndex, fingerprint
    from pipelines.classify import ClassifyPipeline

    db = tmp_path / "data" / "newswatch.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    pipeline = ClassifyPipeline(None, load_ruleset(rules), load_cues(cues_beside(str(rules))))  # type: ignore[arg-type]
    archive = Archive(db, clock=fixed_clock(WHEN))
    url = "https://news.example.org/world/drone-engines-1"
    item = pipeline.process_item(_fetched(url, title, text, "en"))
    assert item.verdict is not None and item.verdict.flagged
    archive.articles.store(item, item.extraction, url, "run", fingerprint(title, text), StoryIndex())
    archive.close()
    return db


def _dispatch(tmp_path: Path, db: Path, rules: Path, slack: Any) -> list[dict[str, Any]]:
    env = crawl_env(
        tmp_path,
        ROOT / "config" / "outlets.toml",
        NEWSWATCH_DB=str(db),
        NEWSWATCH_RULES=str(rules),
        SLACK_BOT_TOKEN="xoxb-test-token",
        NEWSWATCH_SLACK_API_URL=slack.api_url,
        NEWSWATCH_SLACK_CHANNEL="#china-russia",
        NEWSWATCH_SLACK_MIN_INTERVAL="0.05",
    )
    done = run_newswatch(["dispatch"], env)
    assert done.returncode == 0, done.stderr
    return [post.payload for post in slack.delivered()]


def test_the_slack_message_states_the_named_entities_facts_escaped_after_the_claim(
    tmp_path: Path, slack: Any
) -> None:
    import json

    rules = _rules_with(tmp_path, HOSTILE_ENTITY)
    db = _archive_with(tmp_path, rules, *NAMING_FIVE)
    (payload,) = _dispatch(tmp_path, db, rules, slack)
    blocks = payload["blocks"]
    texts = [b.get("text", {}).get("text", "") for b in blocks]
    facts = next(i for i, t in enumerate(texts) if "Xiamen Limbach Aircraft Engine" in t)
    assert blocks[facts - 1]["type"] == "context"  # after the claim, severity and outlet line
    assert texts[facts + 1].startswith(">")  # before the evidence
    lines = texts[facts].split("\n")
    assert lines == [
        "*&lt;!channel&gt; Evil &amp; &lt;https://evil.example|Widget&gt;* — drone *engines* &lt;b&gt;; "
        "UK-sanctioned 2025-01-02",
        "*Xiamen Limbach Aircraft Engine* — drone engines; US-sanctioned 2024-10-17, EU-sanctioned 2024-12-16",
        "*Redlepus Vector Industry Shenzhen* — drone engines and UAV components; US-sanctioned 2024-10-17, "
        "EU-sanctioned 2024-12-16",
        "and 2 more",
    ]
    raw = json.dumps(payload, ensure_ascii=False)
    assert "<!channel>" not in raw and "<https://evil" not in raw and "<b>" not in raw


@pytest.mark.parametrize("broken", ["missing", "malformed"])
def test_an_alert_goes_out_without_facts_when_the_gazetteer_cannot_be_read(
    tmp_path: Path, slack: Any, broken: str
) -> None:
    db = _archive_with(tmp_path, RULES, *NAMING_FIVE[:1], NAMING_FIVE[1].replace("Evil Widget Works, ", ""))
    if broken == "missing":
        rules = tmp_path / "no-such-rules"
    else:
        rules = _rules_with(tmp_path, ENTITY.format(id="spacety", name="Twice", aliases='"Spacety Twice"'))
    (payload,) = _dispatch(tmp_path, db, rules, slack)
    texts = [b.get("text", {}).get("text", "") for b in payload["blocks"]]
    assert not any("US-sanctioned" in t or "— drone engines;" in t for t in texts)
    assert any(t.startswith(">") for t in texts) and "Xiamen Limbach" in payload["text"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM alerts").fetchall() == [("sent",)]


def test_the_fact_line_of_an_entity_nobody_designated_says_so() -> None:
    from alerts.outbox import AlertView
    from alerts.render import render_alert
    from newswatch.rules.loader import load_gazetteer

    gazetteer = load_gazetteer(RULES)
    named = tuple(e for e in map(gazetteer.get, ("dalian-machine-tool", "jiangxi-xintuo")) if e is not None)
    alert = AlertView(
        id=1,
        article_id=1,
        kind="new",
        severity="high",
        attempts=0,
        url="https://example.org/a",
        title="Machine tools for Russia's missiles",
        outlet="news",
        published="2026-11-22 13:05:00",
        rules=("supply-to-russia",),
        evidence=None,
        entities=named,
    )
    blocks = render_alert(alert, ZoneInfo("UTC")).blocks
    assert blocks[2]["text"]["text"] == (
        "*Dalian Machine Tool Group* — machine tools; named in reporting, not designated\n"
        "*Jiangxi Xintuo Enterprise* — UAV procurement and development; US export controls 2024-04-11"
    )


def test_reading_older_articles_for_entities_never_overwrites_a_revision_stored_meanwhile(
    tmp_path: Path, pipeline: Any
) -> None:
    from newswatch.archive import Archive
    from newswatch.clock import fixed_clock
    from newswatch.stories import StoryIndex, fingerprint

    archive = Archive(tmp_path / "newswatch.db", clock=fixed_clock(WHEN))
    url = "https://news.example.org/world/engines"

    def store(text: str, revisit: bool) -> None:
        item = pipeline.process_item(_fetched(url, "Drone engines", text, "en"))
        archive.articles.store(
            item, item.extraction, url, "run", fingerprint("x", text), StoryIndex(), revisit
        )

    store("Engines for Russia's attack drones came from a Chinese supplier, officials said.", False)
    archive.conn.execute("UPDATE articles SET entities_with = NULL")  # archived before entity tracking
    gazetteer = pipeline.matcher.gazetteer

    def read_while_a_crawl_revises(title: str, text: str) -> tuple[str, ...]:
        found = gazetteer.named_in(title, text)  # read from the old text: no entity
        store("Xiamen Limbach Aircraft Engine supplied the engines for Russia's attack drones.", True)
        return found

    assert archive.verdicts.index_entities(gazetteer.fingerprint, read_while_a_crawl_revises) == 1
    archive.close()
    assert _entities(tmp_path / "newswatch.db") == {url: ["xiamen-limbach"]}  # the revision's, kept


def test_finding_articles_to_read_for_entities_uses_an_index_not_the_whole_table(tmp_path: Path) -> None:
    from newswatch.archive import Archive
    from newswatch.archive.verdicts import _STALE

    Archive(tmp_path / "newswatch.db").close()
    with sqlite3.connect(tmp_path / "newswatch.db") as conn:
        plan = " ".join(
            str(row[-1])
            for row in conn.execute(f"EXPLAIN QUERY PLAN SELECT id FROM articles WHERE {_STALE}", {"g": "x"})
        )
    assert "SEARCH articles USING COVERING INDEX idx_articles_entities_with" in plan and "SCAN" not in plan, (
        plan
    )
