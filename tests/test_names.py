"""The names lexicon: weapon systems spelled in Chinese, Japanese or Korean script meet their
Latin and Cyrillic spellings when reports are grouped across languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswatch.anchors import name_key
from newswatch.names import NamesError, keys_in, lexicon, parse
from newswatch.stories import Entry, StoryIndex, fingerprint

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_every_spelling_of_the_shipped_lexicon_has_the_key_of_its_latin_and_cyrillic_names() -> None:
    pairs = dict(lexicon())
    assert len(pairs) >= 8
    assert keys_in("加尔皮亚") == {name_key("Garpiya")} == {name_key("Гарпия", "ru")}
    assert keys_in("シャヘド") == keys_in("샤헤드") == keys_in("沙赫德") == {name_key("Шахед", "ru")}
    assert keys_in("이스칸데르") == {name_key("Искандер", "ru")} == {name_key("Iskander")}
    for spelling, latin in pairs.items():
        assert keys_in(spelling) == {name_key(latin.split()[-1])}


def test_a_spelling_is_found_inside_running_text_in_either_chinese_script_and_in_half_width_kana() -> None:
    text = "俄军用加尔皮亚无人机袭击乌克兰城市，加尔皮亚由库波尔公司组装。"
    assert keys_in(text) == {name_key("Garpiya"), name_key("Kupol")}
    assert keys_in("俄軍用加爾皮亞無人機襲擊烏克蘭城市") == {name_key("Garpiya")}  # traditional
    assert keys_in("ｼｬﾍﾄﾞ型ドローン") == {name_key("Shahed")}  # half-width katakana
    assert keys_in("中国外交部发言人表示反对单边制裁。") == set()


def test_a_shorter_spelling_inside_a_longer_one_found_there_does_not_count_again() -> None:
    pairs = (("库波尔", "Kupol"), ("波尔", "Borel"))  # longest first, as the lexicon keeps them
    assert keys_in("库波尔公司", pairs) == {name_key("Kupol")}
    assert keys_in("库波尔公司和波尔公司", pairs) == {name_key("Kupol"), name_key("Borel")}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("加尔皮亚 Garpiya", ":1: expected a spelling, a tab and a Latin name"),
        ("# comment\nGarpiya\tGarpiya", ":2: 'Garpiya' is in a script names are read in already"),
        ("加尔皮亚\t123", ":1: '123' has no phonetic key"),
        ("加尔皮亚\tGarpiya\n\n加尔皮亚\tGarpiya", ":3: '加尔皮亚' is listed twice"),
    ],
)
def test_an_invalid_lexicon_line_is_one_error_naming_the_file_and_the_line(text: str, message: str) -> None:
    with pytest.raises(NamesError) as raised:
        parse(text, "names.tsv")
    assert str(raised.value) == f"names.tsv{message}"


def _window(*fps: object) -> StoryIndex:
    """A window of unrelated reports (so that the names below are rare), and ``fps``."""
    index = StoryIndex()
    for n in range(20):
        index.add(
            Entry(
                100 + n,
                100 + n,
                "x",
                NOW,
                fingerprint(
                    f"Harvest report {n}", f"Farmers in the region brought in {n + 3} tonnes of wheat."
                ),
            )
        )
    for n, fp in enumerate(fps):
        index.add(Entry(n, n, "x", NOW, fp))  # type: ignore[arg-type]
    return index


def test_a_chinese_report_naming_the_drone_meets_the_english_one_by_the_name_and_a_number() -> None:
    english = fingerprint(
        "Ukraine downs Russian attack drones over Kharkiv",
        "KYIV -- Ukrainian air defences shot down 48 Garpiya attack drones launched at Kharkiv "
        "overnight, the air force said.",
        language="en",
    )
    chinese = fingerprint(
        "乌克兰击落俄军攻击无人机",
        "乌克兰空军表示，防空部队夜间击落了48架俄军发射的加尔皮亚攻击无人机。",
        language="zh",
    )
    assert {"n:48", f"p:{name_key('Garpiya')}"} == set(english.anchors) & set(chinese.anchors)
    joined = _window(english).match(chinese, NOW)
    assert joined is not None and joined.relation == "related"
    # the number alone does not tie them: the drone's name does
    unnamed = fingerprint(
        "乌克兰击落俄军攻击无人机", "乌克兰空军表示，防空部队夜间击落了48架俄军攻击无人机。", language="zh"
    )
    assert _window(english).match(unnamed, NOW) is None
