"""Retellings of one source: two outlets rewriting one investigation in one language meet by
the rare wording they both kept (newswatch/phrases.py, ``stories.by_phrases``), and nothing
else that shares wording does: an outlet's own template, one quoted statement or stock
opening, the beat's common phrases, a window too young to tell rare wording."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from newswatch import phrases
from newswatch.archive import Archive
from newswatch.archive.articles import Stored
from newswatch.clock import fixed_clock
from newswatch.records import Article, Candidate, Extraction
from newswatch.stories import (
    PACKED_FORMAT,
    Entry,
    Fingerprint,
    StoryConfig,
    StoryIndex,
    by_phrases,
    compare,
    fingerprint,
)

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
#: The archive's "now": the articles' dates are fixed, so the window must not depend on the day.
CLOCK = fixed_clock(NOW + timedelta(days=1))

# Two Russian retellings of one newspaper investigation, written for these tests: their
# headlines and most of their words differ; two runs of the source's wording survive in both.
FIRST_TITLE = "Британская газета: китайские фирмы снабжали российских производителей"
FIRST = (
    "Китайские поставщики два года отправляли российским оборонным заводам двигатели и микросхемы, "
    "выяснили журналисты британской газеты в Бирмингеме. По данным издания, товары шли через посредников, а оплата "
    "проходила через небольшие банки. Журналисты изучили таможенные декларации и переписку компаний, а "
    "также опросили бывших сотрудников нескольких фирм. Представители компаний на запросы не ответили, "
    "а посольство заявило, что торговля ведётся законно и открыто по общепринятым правилам.\n\n"
    "Поставки продолжались, пока Россия строила масштабную логистическую инфраструктуру ударных "
    "беспилотников. Среди грузов были тепловизионные камеры, литиевые аккумуляторы и углеродное волокно."
)
SECOND_TITLE = "Как Пекин помогает Кремлю: расследование о поставках"
SECOND = (
    "Издание проследило тысячи отправок за несколько лет и нашло десятки посредников. Эксперты называют "
    "схему простой: грузы идут через третьи страны, счета оплачивают банки Бишкека, а документы "
    "оформляют на подставные фирмы. По словам аналитиков, контроль за такими отправками остаётся слабым, "
    "потому что таможни соседних государств почти не обмениваются сведениями друг с другом, и нарушения "
    "выявляются лишь спустя годы.\n\n"
    "В то же время Россия строила масштабную логистическую инфраструктуру ударных беспилотников. В "
    "изученных журналистами документах упоминаются тепловизионные камеры, литиевые аккумуляторы и "
    "углеродное волокно."
)
# The window's background: unrelated Russian reports of the same days, from other outlets,
# as many as a window needs before it can call wording rare.
VOCABULARY = [
    "парламент",
    "бюджет",
    "дороги",
    "школы",
    "спасатели",
    "паводок",
    "эвакуация",
    "рубль",
    "торги",
    "нефть",
    "спрос",
    "футбол",
    "тренер",
    "болельщики",
    "метро",
    "станция",
    "автобусы",
    "погода",
    "снегопад",
    "урожай",
    "пшеница",
    "выставка",
    "музей",
    "театр",
    "премьера",
    "больница",
    "врачи",
    "вакцина",
    "олимпиада",
    "хоккей",
    "фестиваль",
    "концерт",
    "библиотека",
    "университет",
    "студенты",
    "экзамены",
    "пенсия",
    "налоги",
    "ипотека",
    "застройщик",
    "квартиры",
    "аэропорт",
    "рейсы",
]


def _background(n: int) -> tuple[str, str]:
    rng = random.Random(n)
    words = [rng.choice(VOCABULARY) for _ in range(60)]
    return f"Сводка {n}: {words[0]} и {words[1]}", " ".join(words).capitalize() + "."


def _fp(title: str, text: str) -> Fingerprint:
    return fingerprint(title, text, language="ru")


def _starts(fp: Fingerprint) -> dict[int, int]:
    return phrases.starts(fp.phrases, fp.phrase_at)


def _window(*reports: tuple[str, Fingerprint], background: int = phrases.MIN_WINDOW) -> StoryIndex:
    """A window of ``background`` unrelated Russian reports and ``reports`` (outlet, fingerprint)."""
    index = StoryIndex()
    for n in range(background):
        index.add(Entry(1000 + n, 1000 + n, f"background-{n % 7}", NOW, _fp(*_background(n))))
    for n, (outlet, fp) in enumerate(reports):
        index.add(Entry(n + 1, n + 1, outlet, NOW, fp))
    return index


def test_two_outlets_retelling_one_source_meet_by_the_wording_they_kept() -> None:
    first, second = _fp(FIRST_TITLE, FIRST), _fp(SECOND_TITLE, SECOND)
    index = _window(("kyiv-paper", first))
    idf, default_idf = index.idf()
    # their words alone do not make them one story
    assert compare(first, second, timedelta(hours=2), StoryConfig(), idf, default_idf).relation is None
    mine, theirs = _starts(second), _starts(first)
    shared = mine.keys() & theirs.keys()
    assert len(shared) >= phrases.MIN_SHARED
    assert phrases.passages(mine, theirs, shared) == phrases.passages(theirs, mine, shared) == 2
    joined = index.match(second, NOW, outlet="moscow-site")
    assert joined is not None and (joined.article_id, joined.relation) == (1, "related")
    # an index not told the outlet makes no retelling test
    assert index.match(second, NOW) is None


def test_an_outlet_s_own_repeated_wording_is_not_a_retelling() -> None:
    index = _window(("kyiv-paper", _fp(FIRST_TITLE, FIRST)))
    assert index.match(_fp(SECOND_TITLE, SECOND), NOW, outlet="kyiv-paper") is None


def test_reworded_text_conflicting_numbers_or_days_keep_retellings_apart() -> None:
    first = _fp(FIRST_TITLE, FIRST)
    # one of the two passages reworded: the other alone is one passage
    reworded = SECOND.replace("тепловизионные камеры, литиевые аккумуляторы", "камеры, аккумуляторы")
    assert _window(("kyiv-paper", first)).match(_fp(SECOND_TITLE, reworded), NOW, outlet="moscow") is None
    numbered = _fp("Издание: 97 китайских компаний снабжают Кремль", SECOND)
    counted = _fp("Китай поставил 12 партий деталей", FIRST)
    assert _window(("kyiv-paper", counted)).match(numbered, NOW, outlet="moscow") is None
    monday = _fp(FIRST_TITLE, FIRST.replace("выяснили журналисты", "в понедельник выяснили журналисты"))
    wednesday = _fp(SECOND_TITLE, SECOND.replace("Издание проследило", "В среду издание проследило"))
    assert _window(("kyiv-paper", monday)).match(wednesday, NOW, outlet="moscow") is None


def test_two_events_that_share_background_passages_but_name_other_days_stay_apart() -> None:
    def dated(text: str, day: str) -> str:
        return text.replace(". ", f" {day}. ", 1)

    first = _fp(FIRST_TITLE, dated(FIRST, "3 сентября"))
    assert "d:09-03" in first.anchors
    same_day = _fp(SECOND_TITLE, dated(SECOND, "3 сентября"))
    assert _window(("kyiv-paper", first)).match(same_day, NOW, outlet="moscow") is not None
    # the same background, a report of something two weeks later
    later = _fp(SECOND_TITLE, dated(SECOND, "17 сентября"))
    assert _window(("kyiv-paper", first)).match(later, NOW, outlet="moscow") is None


# A Chinese foreign ministry statement, quoted word for word by two reports of different events.
STATEMENT = (
    "Официальный представитель МИД Китая заявила: Пекин придерживается объективной беспристрастной "
    "позиции, неизменно призывает конфликтующие стороны прекратить огонь, тщательно контролирует "
    "экспорт беспилотников двойного назначения и решительно отвергает односторонние незаконные "
    "санкции, которые Вашингтон навязывает китайским предприятиям."
)
ENGINES_TITLE = "Пекин отверг сообщения о поставках двигателей"
ENGINES = (
    "Министерство иностранных дел Китая отвергло публикацию американского издания о поставках "
    "авиационных двигателей заводу в Алабуге, назвав её клеветой. Журналисты ссылались на таможенные "
    "данные за весну и письма посредников из Гонконга, которые подтверждали оплату через банки "
    "Киргизии. Представители завода от комментариев отказались, а в посольстве заявили, что торговля "
    "законна.\n\n" + STATEMENT
)
BLACKLIST_TITLE = "Китай пообещал ответ на черный список Евросоюза"
BLACKLIST = (
    "Евросоюз внес в черный список шесть гонконгских фирм, которые, по данным Брюсселя, перепродавали "
    "микроэлектронику российским оборонным предприятиям. Решение приняли послы стран союза на "
    "заседании в Брюсселе, оно вступит в силу после публикации. Фирмы зарегистрированы по одному адресу "
    "и созданы в прошлом году, говорится в документах совета.\n\n" + STATEMENT
)


def test_reports_of_two_events_quoting_one_statement_stay_apart() -> None:
    engines, blacklist = _fp(ENGINES_TITLE, ENGINES), _fp(BLACKLIST_TITLE, BLACKLIST)
    mine, theirs = _starts(blacklist), _starts(engines)
    shared = mine.keys() & theirs.keys()
    assert len(shared) >= 2 * phrases.MIN_SHARED  # the whole statement, rare in the window
    assert phrases.passages(mine, theirs, shared) == 1  # but one passage
    assert _window(("ap", engines)).match(blacklist, NOW, outlet="reuters") is None


def test_one_shared_passage_is_a_stock_phrase_not_a_source() -> None:
    first = _fp(FIRST_TITLE, FIRST)
    fp = _fp(SECOND_TITLE, SECOND.split(" В изученных")[0])  # the first passage alone
    assert len(_starts(fp).keys() & _starts(first).keys()) >= phrases.MIN_SHARED
    assert _window(("kyiv-paper", first)).match(fp, NOW, outlet="moscow") is None


def test_wording_many_reports_of_the_window_use_is_the_beat_s_not_a_source_s() -> None:
    first, second = _fp(FIRST_TITLE, FIRST), _fp(SECOND_TITLE, SECOND)
    index = _window(("kyiv-paper", first))
    assert by_phrases(second, first, index.phrase_counts, timedelta(hours=72))
    # the week's reviews repeat both passages: they no longer tie the two
    for n in range(phrases.RARE):
        review = (
            f"Обзор {n}. Россия строила масштабную логистическую инфраструктуру ударных беспилотников, "
            "закупая тепловизионные камеры, литиевые аккумуляторы и углеродное волокно."
        )
        index.add(Entry(200 + n, 200 + n, f"review-{n}", NOW, _fp(f"Итоги недели {n}", review)))
    assert not by_phrases(second, first, index.phrase_counts, timedelta(hours=72))
    assert index.match(second, NOW, outlet="moscow-site") is None


def test_a_young_window_cannot_tell_rare_wording_and_joins_nothing_by_it() -> None:
    first, second = _fp(FIRST_TITLE, FIRST), _fp(SECOND_TITLE, SECOND)
    young = _window(("kyiv-paper", first), background=phrases.MIN_WINDOW - 2)
    assert young.phrase_counts.articles == phrases.MIN_WINDOW - 1
    assert young.match(second, NOW, outlet="moscow-site") is None
    young.add(Entry(999, 999, "another", NOW, _fp(*_background(999))))
    assert young.match(second, NOW, outlet="moscow-site") is not None


def test_phrases_are_read_from_every_stored_form_and_older_rows_have_none() -> None:
    fp = _fp(FIRST_TITLE, FIRST)
    assert len(fp.phrases) // 4 == len(fp.phrase_at) >= 10  # uint32 hashes, uint8 starts
    assert fingerprint("标题", "中国公司向俄罗斯运送无人机发动机和芯片。", language="zh").phrases == b""
    packed = fp.packed()
    assert packed is not None and packed.startswith(PACKED_FORMAT + "\x1e")
    assert Fingerprint.from_packed(fp.minhash, packed) == fp
    assert Fingerprint.from_stored(fp.minhash, fp.terms_json()) == fp
    entry = Entry.packed(1, 1, "x", NOW, fp.minhash, packed.encode())
    assert entry.phrases == fp.phrases
    assert (entry.gates().phrases, entry.gates().phrase_at) == (fp.phrases, fp.phrase_at)
    assert entry.fp == fp
    # a row of the previous release: form "1", no phrase field
    older = "1" + packed[1:].rsplit("\x1e", 2)[0]
    bare = replace(fp, phrases=b"", phrase_at=b"")
    assert Fingerprint.from_packed(fp.minhash, older) == bare
    old_entry = Entry.packed(1, 1, "x", NOW, fp.minhash, older.encode())
    assert old_entry.phrases == b"" and old_entry.gates().phrases == b"" and old_entry.fp == bare
    # its JSON, without the "p" key
    assert Fingerprint.from_stored(fp.minhash, bare.terms_json().replace(', "p": ["", ""]', "")) == bare


def test_the_archive_files_a_retelling_under_the_first_report_from_a_loaded_window(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "newswatch.db", clock=CLOCK)
    try:
        index = StoryIndex()
        for n in range(phrases.MIN_WINDOW):
            _store(archive, index, f"background-{n % 7}", *_background(n), NOW - timedelta(hours=1), n)
        first = _store(archive, index, "kyiv-paper", FIRST_TITLE, FIRST, NOW)
        assert first.relation == "first"
        # a crawl starting now: its window comes from the archive, packed and not parsed
        loaded = StoryIndex()
        second = _store(archive, loaded, "moscow-site", SECOND_TITLE, SECOND, NOW + timedelta(hours=3))
        assert second.relation == "related"
        stories = archive.db.execute(
            "SELECT story_id FROM articles WHERE id IN (?, ?)", (first.article_id, second.article_id)
        ).fetchall()
        assert len(stories) == 2 and stories[0] == stories[1]
    finally:
        archive.close()


def test_a_window_archived_by_the_previous_release_loads_packed(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.db"
    archive = Archive(path, clock=CLOCK)
    try:
        article_id = _store(archive, StoryIndex(), "kyiv-paper", FIRST_TITLE, FIRST, NOW).article_id
    finally:
        archive.close()
    with sqlite3.connect(path) as db:  # as the previous release wrote it: form "1", no phrases
        (packed,) = db.execute("SELECT packed FROM article_fingerprints").fetchone()
        db.execute(
            "UPDATE article_fingerprints SET packed = ?, terms = 'not read' WHERE article_id = ?",
            ("1" + packed[1:].rsplit("\x1e", 2)[0], article_id),
        )
    assert article_id is not None
    archive = Archive(path, clock=CLOCK)
    try:
        bare = replace(fingerprint(FIRST_TITLE, FIRST), phrases=b"", phrase_at=b"")
        assert archive.stories.fingerprint(article_id) == bare
        index = StoryIndex()
        archive.stories.refresh_index(index, CLOCK())
        assert [e.article_id for e in index.entries] == [article_id]
        assert index.entries[0].fp == bare  # read packed (its JSON would not parse)
    finally:
        archive.close()


def _store(
    archive: Archive, index: StoryIndex, outlet: str, title: str, text: str, when: datetime, n: int = 0
) -> Stored:
    url = f"https://{outlet}.example.org/{n}/{len(title)}"
    candidate = Candidate(
        url=url, outlet=outlet, source=f"https://{outlet}.example.org/feed", source_kind="feed"
    )
    extraction = Extraction(text=text, title=title, published=when)
    article = Article(url=url, final_url=url, outlet=outlet, fetched_at=when, html="", candidate=candidate)
    return archive.articles.store(article, extraction, url, "run", fingerprint(title, text), index)


def test_counts_kept_article_by_article_equal_counts_built_at_once_and_saturate() -> None:
    texts = [_fp(FIRST_TITLE, FIRST).phrases, _fp(SECOND_TITLE, SECOND).phrases, b""]
    texts += [_fp(*_background(n)).phrases for n in range(phrases.MIN_WINDOW)]
    one_by_one, at_once = phrases.PhraseCounts(), phrases.PhraseCounts()
    for text in texts:
        one_by_one.add(text)
    at_once.reset(texts)
    assert one_by_one.articles == at_once.articles == len(texts)
    every = set(_hashes(b"".join(texts)))
    assert one_by_one.rare(every) == at_once.rare(every)
    shared = set(_hashes(texts[0])) & set(_hashes(texts[1]))
    assert shared and at_once.rare(shared) == shared
    for _ in range(300):
        one_by_one.add(texts[0])
    assert one_by_one.rare(_hashes(texts[0])) == set()


def test_a_pruned_window_counts_only_the_articles_and_phrases_it_still_holds() -> None:
    index = StoryIndex(StoryConfig(event_window=timedelta(hours=72), copy_window=timedelta(hours=72)))
    old = _fp(FIRST_TITLE, FIRST)
    for n in range(200):  # enough old entries that the prune rebuilds the window
        index.add(Entry(n, n, f"o{n}", NOW - timedelta(days=10), old))
    for n in range(phrases.MIN_WINDOW):
        index.add(Entry(500 + n, 500 + n, "new", NOW, _fp(*_background(n))))
    index.add(Entry(999, 999, "new", NOW, _fp(SECOND_TITLE, SECOND)))
    mine = set(_hashes(old.phrases))
    assert index.phrase_counts.rare(mine) == set()  # 200 old copies
    index.prune(NOW)
    assert index.phrase_counts.articles == len(index.entries) == phrases.MIN_WINDOW + 1
    assert index.phrase_counts.rare(mine) == mine  # the old ones gone, none held more than once


def _hashes(phrases: bytes) -> list[int]:
    return np.frombuffer(phrases, np.uint32).tolist()
