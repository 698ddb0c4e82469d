"""The archive's schema: every migration, in the order they were applied.

sqlite-utils records each applied migration by its function name (``m001_foundation`` …), so
an archive written by an earlier release applies only what it lacks. Names never change,
and a migration once released never changes: a new schema step is a new function. Table
and column names are a public contract (Datasette users save queries against them), so
migrations only ever add.
"""

from __future__ import annotations

import json

import sqlite_utils
from sqlite_utils import Migrations

from newswatch.text import CJK

FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"
#: ``service_state`` key of the counter every change to ``entity_listings`` bumps (m023).
LISTINGS_VERSION = "entity_listings:version"
#: Text with Chinese or Japanese characters: the trigram index holds those articles only
#: (unicode61 keeps a run of CJK characters as one token, so substrings need trigrams).
CJK_GLOB = f"*[{CJK}]*"

migrations = Migrations("newswatch")


def _html(expr: str) -> str:
    """SQL escaping an expression for HTML (& < > ")."""
    inner = f"replace(replace({expr}, '&', '&amp;'), '<', '&lt;')"
    return f"replace(replace({inner}, '>', '&gt;'), '\"', '&quot;')"


@migrations()
def m001_foundation(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,          -- canonical URL
            url_hash TEXT NOT NULL UNIQUE,     -- sha1 of the URL key (see urls.url_key)
            outlet TEXT NOT NULL,
            title TEXT,
            authors TEXT NOT NULL DEFAULT '[]', -- JSON array of names
            published TEXT,                    -- UTC, YYYY-MM-DD HH:MM:SS
            published_source TEXT,             -- ld+json, meta, page or feed
            fetched_at TEXT NOT NULL,
            language TEXT,
            text TEXT NOT NULL,
            summary TEXT,
            word_count INTEGER NOT NULL DEFAULT 0,
            source_url TEXT,                   -- the feed, sitemap or listing page
            source_kind TEXT,
            final_url TEXT,                    -- where the request ended after redirects
            run_id TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_articles_outlet_published ON articles (outlet, published)")
    db.execute("CREATE INDEX idx_articles_published ON articles (published)")
    db.execute("CREATE INDEX idx_articles_fetched_at ON articles (fetched_at)")
    db.table("articles").enable_fts(["title", "text"], create_triggers=True, tokenize=FTS_TOKENIZE)
    db.execute(
        """
        CREATE TABLE seen_urls (
            url_hash TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            outlet TEXT NOT NULL,
            status TEXT NOT NULL,   -- archived, empty, not_html, gone, offsite, stale
            published TEXT,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            detail TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_seen_urls_outlet ON seen_urls (outlet, status)")
    # the counters as they were when this migration was written (migrations never change)
    first_counters = (
        "discovered",
        "skipped_seen",
        "skipped_stale",
        "filtered",
        "deferred",
        "fetched",
        "new",
        "empty",
        "not_html",
        "offsite",
        "blocked",
        "errors",
        "source_errors",
    )
    counters = ",\n".join(f"{name} INTEGER NOT NULL DEFAULT 0" for name in first_counters)
    db.execute(
        f"""
        CREATE TABLE crawl_runs (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL,
            outlet TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            duration_s REAL,
            status TEXT NOT NULL,    -- ok, partial, failed
            {counters},
            last_error TEXT,
            UNIQUE (run_id, outlet)
        )
        """
    )
    db.execute("CREATE INDEX idx_crawl_runs_outlet ON crawl_runs (outlet, started_at)")


@migrations()
def m002_verdicts(db: sqlite_utils.Database) -> None:
    for column, kind in (
        ("flagged", "INTEGER NOT NULL DEFAULT 0"),
        ("score", "REAL NOT NULL DEFAULT 0"),
        ("severity", "TEXT"),
        ("rules", "TEXT NOT NULL DEFAULT '[]'"),
        ("evidence", "TEXT"),
        ("classified_with", "TEXT"),
    ):
        db.execute(f"ALTER TABLE articles ADD COLUMN {column} {kind}")
    db.execute("CREATE INDEX idx_articles_flagged ON articles (flagged, published)")
    db.execute(
        """
        CREATE TABLE matches (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            rule TEXT NOT NULL,
            score REAL NOT NULL,       -- the rule's weight in the article's score
            severity TEXT NOT NULL,    -- high, medium, low
            terms TEXT NOT NULL,       -- JSON: [{term, group, field, start, end}]
            evidence TEXT NOT NULL,    -- JSON: [{field, sentence, highlights}]
            UNIQUE (article_id, rule)
        )
        """
    )
    db.execute("CREATE INDEX idx_matches_rule ON matches (rule)")
    db.execute("ALTER TABLE crawl_runs ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0")


@migrations()
def m003_alerts(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,                    -- new: first alert; update: severity raised
            severity TEXT NOT NULL,
            created_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending', -- pending, sending, sent, failed
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_error TEXT,
            sent_at TEXT,
            transport TEXT,                        -- slack, console
            channel TEXT,
            slack_ts TEXT,                         -- the message's ts: follow-ups reply in its thread
            thread_ts TEXT                         -- set when this alert was a reply
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX idx_alerts_one_new_per_article ON alerts (article_id) WHERE kind = 'new'")
    db.execute(
        "CREATE UNIQUE INDEX idx_alerts_one_update_per_level ON alerts (article_id, severity) "
        "WHERE kind = 'update'"
    )
    db.execute("CREATE INDEX idx_alerts_due ON alerts (status, next_attempt_at)")
    db.execute(
        """
        CREATE TABLE digests (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending', -- pending, sent
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            sent_at TEXT,
            transport TEXT,                        -- smtp, file
            recipients TEXT,
            subject TEXT,
            message_id TEXT,
            items INTEGER NOT NULL DEFAULT 0,
            location TEXT                          -- where a file delivery was written
        )
        """
    )
    db.execute(
        """
        CREATE TABLE digest_items (
            digest_id INTEGER NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            PRIMARY KEY (digest_id, article_id)
        )
        """
    )
    db.execute("CREATE INDEX idx_digest_items_article ON digest_items (article_id)")


@migrations()
def m004_service(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE health (
            outlet TEXT NOT NULL,
            issue TEXT NOT NULL,           -- failing, quiet, blocked, extraction
            since TEXT NOT NULL,
            last_notified_at TEXT,
            resolved_at TEXT,
            detail TEXT
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX idx_health_open ON health (outlet, issue) WHERE resolved_at IS NULL")
    db.execute(
        """
        CREATE TABLE service_state (
            key TEXT PRIMARY KEY,          -- e.g. digest_last_run
            value TEXT,
            updated_at TEXT NOT NULL
        )
        """
    )


@migrations()
def m005_search(db: sqlite_utils.Database) -> None:
    cjk = lambda row: f"(coalesce({row}.title, '') || ' ' || {row}.text) GLOB '{CJK_GLOB}'"  # noqa: E731
    db.execute(
        "CREATE VIRTUAL TABLE articles_trigram USING fts5("
        "title, text, content='articles', content_rowid='id', tokenize='trigram')"
    )
    db.execute(
        f"CREATE TRIGGER articles_trigram_ai AFTER INSERT ON articles WHEN {cjk('new')} BEGIN "
        "INSERT INTO articles_trigram (rowid, title, text) VALUES (new.id, new.title, new.text); END"
    )
    db.execute(
        f"CREATE TRIGGER articles_trigram_ad AFTER DELETE ON articles WHEN {cjk('old')} BEGIN "
        "INSERT INTO articles_trigram (articles_trigram, rowid, title, text) "
        "VALUES ('delete', old.id, old.title, old.text); END"
    )
    db.execute(
        "CREATE TRIGGER articles_trigram_au AFTER UPDATE OF title, text ON articles BEGIN "
        "INSERT INTO articles_trigram (articles_trigram, rowid, title, text) "
        f"SELECT 'delete', old.id, old.title, old.text WHERE {cjk('old')}; "
        "INSERT INTO articles_trigram (rowid, title, text) "
        f"SELECT new.id, new.title, new.text WHERE {cjk('new')}; "
        "END"
    )
    db.execute(
        "INSERT INTO articles_trigram (rowid, title, text) "
        f"SELECT id, title, text FROM articles a WHERE {cjk('a')}"
    )
    db.execute(
        f"""
        CREATE VIEW flagged_articles AS
        SELECT a.id, a.published, a.outlet,
               '<a href="' || {_html("a.url")} || '">'
                 || {_html("coalesce(a.title, a.url)")} || '</a>' AS title,
               a.severity,
               (SELECT group_concat(r.value, ', ') FROM json_each(a.rules) r) AS rules,
               a.evidence, a.language
        FROM articles a WHERE a.flagged = 1
        """
    )


@migrations()
def m006_stories(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            title TEXT,                         -- headline of its first article
            first_article_id INTEGER,
            first_outlet TEXT,
            created_at TEXT NOT NULL,           -- when its first article was archived (UTC)
            updated_at TEXT NOT NULL,           -- when its latest article joined
            first_published TEXT,
            last_published TEXT,
            articles INTEGER NOT NULL DEFAULT 1,
            outlets INTEGER NOT NULL DEFAULT 1,
            outlet_list TEXT NOT NULL DEFAULT '[]', -- JSON array of outlet keys, in order of arrival
            flagged INTEGER NOT NULL DEFAULT 0,  -- 1 when any of its articles is flagged
            severity TEXT,                      -- highest severity among its flagged articles
            slack_refresh INTEGER NOT NULL DEFAULT 0 -- > 0: its first message awaits the new outlet count
        )
        """
    )
    db.execute("CREATE INDEX idx_stories_updated ON stories (flagged, updated_at)")
    db.execute("CREATE INDEX idx_stories_refresh ON stories (id) WHERE slack_refresh > 0")
    for column, kind in (
        ("story_id", "INTEGER REFERENCES stories (id)"),
        ("story_relation", "TEXT"),  # first, copy (near-duplicate text), related (same event)
        ("story_score", "REAL"),  # similarity to the article it was matched with
        ("version", "INTEGER NOT NULL DEFAULT 1"),
        ("revised_at", "TEXT"),  # when a changed text last replaced the archived one
    ):
        db.execute(f"ALTER TABLE articles ADD COLUMN {column} {kind}")
    # every article archived so far is a story of its own
    db.execute(
        """
        INSERT INTO stories (id, title, first_article_id, first_outlet, created_at, updated_at,
                             first_published, last_published, outlet_list, flagged, severity)
        SELECT id, title, id, outlet, fetched_at, fetched_at, published, published, json_array(outlet),
               flagged, CASE WHEN flagged = 1 THEN severity END
        FROM articles
        """
    )
    db.execute("UPDATE articles SET story_id = id, story_relation = 'first'")
    db.execute("CREATE INDEX idx_articles_story ON articles (story_id)")
    db.execute(
        """
        CREATE TABLE article_fingerprints (
            article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
            minhash BLOB NOT NULL,   -- 128 MinHash values (uint32) of the text's word 3-shingles
            terms TEXT NOT NULL      -- JSON: title and lead word stems, names, headline numbers
        )
        """
    )
    db.execute(
        """
        CREATE TABLE article_versions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            version INTEGER NOT NULL,          -- 1 is the text first archived
            title TEXT,
            text TEXT NOT NULL,
            published TEXT,
            fetched_at TEXT NOT NULL,          -- when this version was fetched
            replaced_at TEXT NOT NULL,         -- when a newer text replaced it
            flagged INTEGER NOT NULL DEFAULT 0,
            severity TEXT,
            UNIQUE (article_id, version)
        )
        """
    )
    db.execute(
        "CREATE UNIQUE INDEX idx_alerts_one_also_per_article ON alerts (article_id) WHERE kind = 'also'"
    )
    db.execute("CREATE INDEX idx_alerts_article ON alerts (article_id)")
    for counter in ("revised", "grouped"):
        db.execute(f"ALTER TABLE crawl_runs ADD COLUMN {counter} INTEGER NOT NULL DEFAULT 0")
    db.execute(
        f"""
        CREATE VIEW flagged_stories AS
        SELECT s.id, s.updated_at, s.first_published, s.last_published,
               '<a href="' || {_html("a.url")} || '">'
                 || {_html("coalesce(s.title, a.title, a.url)")} || '</a>' AS title,
               s.severity, s.outlets, s.articles,
               (SELECT group_concat(o.value, ', ') FROM json_each(s.outlet_list) o) AS outlet_list,
               (SELECT count(*) FROM articles f WHERE f.story_id = s.id AND f.flagged = 1) AS flagged_articles
        FROM stories s JOIN articles a ON a.id = s.first_article_id
        WHERE s.flagged = 1
        """
    )


@migrations()
def m007_digest_message(db: sqlite_utils.Database) -> None:
    # a digest is built once: every retry sends these bytes again, same Message-ID
    db.execute("ALTER TABLE digests ADD COLUMN message BLOB")  # the .eml as first built
    db.execute("ALTER TABLE digests ADD COLUMN built_at TEXT")
    # failures after the message was sent (the server may have it); status 'unconfirmed'
    # when no more retries are made because of them, 'failed' when nobody can have it
    db.execute("ALTER TABLE digests ADD COLUMN ambiguous INTEGER NOT NULL DEFAULT 0")


@migrations()
def m008_match_limits(db: sqlite_utils.Database) -> None:
    # "too long to match fully: matched the first N of M characters" (NEWSWATCH_MAX_MATCH_CHARS)
    db.execute("ALTER TABLE articles ADD COLUMN match_note TEXT")


@migrations()
def m009_review(db: sqlite_utils.Database) -> None:
    # marked for review: no rule flags it, but the ruleset's review query holds (severity
    # 'review', flagged 0); a 'review' alert goes to NEWSWATCH_REVIEW_CHANNEL, one per story
    db.execute("ALTER TABLE articles ADD COLUMN review INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX idx_articles_review ON articles (review, published)")
    db.execute(
        "CREATE UNIQUE INDEX idx_alerts_one_review_per_article ON alerts (article_id) WHERE kind = 'review'"
    )
    db.execute(
        f"""
        CREATE VIEW review_articles AS
        SELECT a.id, a.published, a.outlet,
               '<a href="' || {_html("a.url")} || '">'
                 || {_html("coalesce(a.title, a.url)")} || '</a>' AS title,
               a.evidence, a.language, a.story_id
        FROM articles a WHERE a.review = 1
        """
    )


@migrations()
def m010_first_error(db: sqlite_utils.Database) -> None:
    # the run's first error beside its latest (last_error): the reason the crawl log line gives
    db.execute("ALTER TABLE crawl_runs ADD COLUMN first_error TEXT")


@migrations()
def m011_reading_indexes(db: sqlite_utils.Database) -> None:
    # Datasette's pages at a million articles. The articles table's facets (outlet, severity,
    # language) read an index instead of the whole table, also under one another's filter
    # (outlet=dw: severity and language counted from one index); a filtered page lists its
    # rows newest archived first straight from a one-column index; the stories table's facets
    # likewise; the Atom feed reads flagged articles newest first from an index; the home
    # page's outlet health reads the last week of crawl runs, not every run.
    for name, columns in (
        ("outlet", "outlet"),
        ("language", "language"),
        ("severity", "severity"),
        ("outlet_facets", "outlet, severity, language"),
        ("severity_facets", "severity, outlet, language"),
        ("language_facets", "language, outlet, severity"),
        ("flagged_when", "flagged, coalesce(published, fetched_at)"),
    ):
        db.execute(f"CREATE INDEX IF NOT EXISTS idx_articles_{name} ON articles ({columns})")
    db.execute("CREATE INDEX IF NOT EXISTS idx_stories_updated_at ON stories (updated_at)")  # newest first
    db.execute("CREATE INDEX IF NOT EXISTS idx_stories_severity ON stories (severity)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_stories_first_outlet ON stories (first_outlet)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_crawl_runs_started ON crawl_runs (started_at)")


@migrations()
def m012_claim_status(db: sqlite_utils.Database) -> None:
    # a flagged article's claim status (alleged, official, designated, denied, confirmed) and
    # the cue that decided it, as JSON {cue, words, sentence, field, zone} (newswatch.claims)
    db.execute("ALTER TABLE articles ADD COLUMN claim_status TEXT")
    db.execute("ALTER TABLE articles ADD COLUMN claim_cue TEXT")
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_claim_status ON articles (claim_status)")


@migrations()
def m013_article_entities(db: sqlite_utils.Database) -> None:
    # the gazetteer's entities an article names (config/rules/gazetteer.toml, by stable id),
    # rewritten with its verdict; the entity's facts stay in the gazetteer
    db.execute(
        """
        CREATE TABLE article_entities (
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            entity_id TEXT NOT NULL,   -- the entity's id in the gazetteer (a slug)
            PRIMARY KEY (article_id, entity_id)
        )
        """
    )
    db.execute("CREATE INDEX idx_article_entities_entity ON article_entities (entity_id, article_id)")


@migrations()
def m014_story_claims(db: sqlite_utils.Database) -> None:
    # a story's claim status: the strongest of its flagged articles' so far, and its history,
    # one row per change (the first status included); a 'status' alert announces a change of
    # an alerted story in its thread, once per article and status (alerts.claim_status)
    db.execute("ALTER TABLE stories ADD COLUMN claim_status TEXT")
    db.execute(
        """
        CREATE TABLE story_claims (
            id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
            status TEXT NOT NULL,       -- alleged, official, designated, denied, confirmed
            article_id INTEGER REFERENCES articles (id) ON DELETE SET NULL, -- the article that raised it
            cue TEXT,                   -- that article's claim cue then (JSON, as articles.claim_cue)
            changed_at TEXT NOT NULL    -- UTC
        )
        """
    )
    db.execute("CREATE INDEX idx_story_claims_story ON story_claims (story_id, id)")
    db.execute("ALTER TABLE alerts ADD COLUMN claim_status TEXT")  # a 'status' alert: the status announced
    db.execute(
        "CREATE UNIQUE INDEX idx_alerts_one_status_per_level ON alerts (article_id, claim_status) "
        "WHERE kind = 'status'"
    )
    # the history as the archived articles tell it: each flagged article with a status, in the
    # order archived, that is stronger than every earlier one of its story (the order as when
    # this migration was written: designated, confirmed, denied, official, alleged)
    rank = (
        "CASE a.claim_status WHEN 'designated' THEN 5 WHEN 'confirmed' THEN 4 WHEN 'denied' THEN 3 "
        "WHEN 'official' THEN 2 WHEN 'alleged' THEN 1 END"
    )
    db.execute(
        f"""
        INSERT INTO story_claims (story_id, status, article_id, cue, changed_at)
        SELECT story_id, claim_status, id, claim_cue, at FROM (
            SELECT a.story_id, a.claim_status, a.id, a.claim_cue, a.fetched_at AS at, {rank} AS rank,
                   max({rank}) OVER (PARTITION BY a.story_id ORDER BY a.fetched_at, a.id
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
            FROM articles a
            WHERE a.flagged = 1 AND a.story_id IS NOT NULL AND {rank} IS NOT NULL
        )
        WHERE before IS NULL OR rank > before
        ORDER BY at, id
        """
    )
    db.execute(
        """
        UPDATE stories SET claim_status = (
            SELECT c.status FROM story_claims c WHERE c.story_id = stories.id ORDER BY c.id DESC LIMIT 1)
        WHERE id IN (SELECT story_id FROM story_claims)
        """
    )


@migrations()
def m015_entities_with(db: sqlite_utils.Database) -> None:
    # the gazetteer (its fingerprint) an article's article_entities rows were found with; NULL
    # for articles archived before entity tracking. An article whose mark is not the current
    # gazetteer's is read again (newswatch search --entity, and the service, do it).
    db.execute("ALTER TABLE articles ADD COLUMN entities_with TEXT")
    # finding the articles not read with the current gazetteer must not read the whole table
    db.execute("CREATE INDEX idx_articles_entities_with ON articles (entities_with)")


@migrations()
def m016_digest_claims_read(db: sqlite_utils.Database) -> None:
    # the newest story_claims row when a digest read its items: a status change after that (a
    # higher id) is news in the next digest, even if it landed while this one was rendered.
    # NULL for digests built before: for them the build time is compared, as before.
    db.execute("ALTER TABLE digests ADD COLUMN claims_read INTEGER")


@migrations()
def m017_entity_listings(db: sqlite_utils.Database) -> None:
    # the official sanctions and export-control lists (newswatch entities update): one row per
    # list entry that concerns China, Hong Kong or Russia's war, kept while the list has it
    # (removed_at when it no longer does), and each list's download state
    db.execute(
        """
        CREATE TABLE entity_listings (
            id INTEGER PRIMARY KEY,
            list_key TEXT NOT NULL,      -- us-sdn, us-csl, eu-fsf, uk-sanctions
            ref TEXT NOT NULL,           -- the list's own reference id
            name TEXT NOT NULL,
            kind TEXT NOT NULL,          -- entity, individual, vessel, aircraft, other
            aliases TEXT NOT NULL,       -- JSON array, every script the list gives
            countries TEXT NOT NULL,     -- JSON array: ISO codes for China and Hong Kong, else as written
            programmes TEXT NOT NULL,    -- JSON array: programmes or regimes
            listed_on TEXT,              -- YYYY-MM-DD when the list says
            source_url TEXT NOT NULL,
            remarks TEXT,
            extra TEXT NOT NULL DEFAULT '{}',  -- JSON: what else the list says (source list, numbers)
            first_seen TEXT NOT NULL,    -- UTC: the first update that found it
            last_seen TEXT NOT NULL,
            removed_at TEXT,             -- UTC: the first update that no longer found it
            UNIQUE (list_key, ref)
        )
        """
    )
    db.execute("CREATE INDEX idx_entity_listings_name ON entity_listings (name)")
    db.execute(
        """
        CREATE TABLE entity_lists (
            list_key TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            fetched_at TEXT,             -- UTC: the last good download (or 304)
            checked_at TEXT,             -- UTC: the last attempt
            entries INTEGER,             -- entries in the last good copy
            kept INTEGER,                -- of them, those concerning China, Hong Kong or Russia
            status TEXT,                 -- updated, unchanged, failed
            last_error TEXT
        )
        """
    )


@migrations()
def m018_entities(db: sqlite_utils.Database) -> None:
    # the names each listed organisation is matched by, the entity it was merged into, and the
    # merged entities themselves (the gazetteer's and the lists'), for Datasette and the CLI
    db.execute("ALTER TABLE entity_listings ADD COLUMN entity_id TEXT")
    db.execute("ALTER TABLE entity_listings ADD COLUMN match_names TEXT NOT NULL DEFAULT '[]'")
    # UTC: when the ops channel was told of a new Chinese or Hong Kong entry (a list's first
    # import is the baseline, marked at once, not announced)
    db.execute("ALTER TABLE entity_listings ADD COLUMN announced_at TEXT")
    db.execute("UPDATE entity_listings SET announced_at = first_seen")
    db.execute("CREATE INDEX idx_entity_listings_entity ON entity_listings (entity_id)")
    db.execute(
        """
        CREATE TABLE entities (
            id TEXT PRIMARY KEY,         -- the gazetteer's id, or the first list entry's (us-sdn-36125)
            name TEXT NOT NULL,
            origin TEXT NOT NULL,        -- gazetteer or lists
            designated INTEGER NOT NULL, -- 1: on a current official list entry
            countries TEXT NOT NULL,     -- JSON array of ISO codes
            lists TEXT NOT NULL,         -- JSON array: the lists naming it now (us-sdn, eu-fsf, …)
            first_listed TEXT,           -- the earliest listing date the lists give
            supplied TEXT,               -- the gazetteer's phrase
            designations TEXT NOT NULL,  -- JSON array: by, action, kind, date, ref, list
            names TEXT NOT NULL,         -- JSON array: the names matched wherever they stand
            weak_names TEXT NOT NULL,    -- JSON array: matched only beside the country's name
            updated_at TEXT NOT NULL
        )
        """
    )
    from newswatch.sanctions.names import match_names

    rows = db.execute("SELECT id, name, aliases FROM entity_listings WHERE kind = 'entity'").fetchall()
    for row_id, name, aliases in rows:
        names = match_names([name, *json.loads(aliases)])
        db.execute(
            "UPDATE entity_listings SET match_names = ? WHERE id = ?",
            (json.dumps(names, ensure_ascii=False), row_id),
        )


@migrations()
def m019_labels(db: sqlite_utils.Database) -> None:
    # the team's judgements (Slack buttons, the review channel, `newswatch label`): one row per
    # judgement, a second person's kept beside the first (disagreement is data)
    db.execute(
        """
        CREATE TABLE labels (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id),
            label TEXT NOT NULL,         -- relevant, irrelevant, borderline
            who TEXT NOT NULL,           -- Slack user (@name) or the terminal's user
            labelled_at TEXT NOT NULL,   -- UTC
            source TEXT NOT NULL,        -- slack, review, cli
            note TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_labels_article ON labels (article_id)")
    db.execute("CREATE INDEX idx_labels_labelled_at ON labels (labelled_at)")
    # stories an analyst muted: no further thread replies until `until` (UTC)
    db.execute(
        """
        CREATE TABLE story_mutes (
            story_id INTEGER PRIMARY KEY REFERENCES stories (id),
            until TEXT NOT NULL,
            who TEXT NOT NULL,
            muted_at TEXT NOT NULL
        )
        """
    )


@migrations()
def m020_story_moves(db: sqlite_utils.Database) -> None:
    # "Wrong story" in Slack: an article taken out of the story it was grouped under, into one of
    # its own (who did it and when; the stories' counts are recomputed in the same write)
    db.execute(
        """
        CREATE TABLE story_moves (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id),
            from_story INTEGER NOT NULL REFERENCES stories (id),
            to_story INTEGER NOT NULL REFERENCES stories (id),
            who TEXT NOT NULL,           -- Slack user (@name)
            moved_at TEXT NOT NULL       -- UTC
        )
        """
    )
    db.execute("CREATE INDEX idx_story_moves_article ON story_moves (article_id)")


@migrations()
def m021_fts_update_columns(db: sqlite_utils.Database) -> None:
    # sqlite-utils' update trigger rewrote an article's articles_fts entries on every UPDATE of
    # the row (its story, relation, claim status…): now only when a column the index holds
    # changes, as articles_trigram_au (m005) already does
    db.execute("DROP TRIGGER IF EXISTS articles_au")
    db.execute(
        "CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN "
        "INSERT INTO articles_fts (articles_fts, rowid, title, text) "
        "VALUES ('delete', old.rowid, old.title, old.text); "
        "INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text); "
        "END"
    )


@migrations()
def m022_packed_fingerprints(db: sqlite_utils.Database) -> None:
    # the fingerprint again in a compact form a crawl reads its story window from without JSON
    # (newswatch/stories.py, Fingerprint.packed); NULL in rows written before, which are read
    # from terms (JSON, still written for every row)
    db.execute("ALTER TABLE article_fingerprints ADD COLUMN packed TEXT")


@migrations()
def m023_listings_version(db: sqlite_utils.Database) -> None:
    # a counter bumped by every change to entity_listings, so a process that read the official
    # lists' organisations (a crawl, the crawl forkserver) knows with one row whether they are
    # still the same (newswatch/archive/listings.py, Listings.organisations)
    for event in ("INSERT", "UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER entity_listings_version_{event.lower()} AFTER {event} ON entity_listings BEGIN "
            "INSERT INTO service_state (key, value, updated_at) "
            f"VALUES ('{LISTINGS_VERSION}', '1', datetime('now')) "
            "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1, "
            "updated_at = excluded.updated_at; "
            "END"
        )


@migrations()
def m024_crawl_run_worker(db: sqlite_utils.Database) -> None:
    # the Scrapyd worker a run was crawled on (docs/scaling.md); NULL for a crawl on the hub
    db.execute("ALTER TABLE crawl_runs ADD COLUMN worker TEXT")
