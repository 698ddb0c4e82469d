"""The default ruleset on hard cases written for these tests, on the seeds, and against the
quality floors pinned in bench/baselines/rules.json (the last two need ../shared)."""

from __future__ import annotations

import json

import pytest
from helpers import ROOT, SHARED, load_bench

from newswatch.rules import load_ruleset

MATCHER = load_ruleset(ROOT / "config" / "rules")


def verdict(text: str, title: str = ""):  # type: ignore[no-untyped-def]
    return MATCHER.classify(title, text)


FLAGGED = {
    "supply allegation": "US officials say China is supplying Russia with drone engines and machine tools for its war.",
    "gunpowder shipment": "Chinese firms shipped tonnes of nitrocellulose to a Russian ammunition plant last year.",
    "military aid request": "Russia asked China for military assistance after the invasion, two officials said.",
    "denial": "China's foreign ministry denied that Beijing had supplied weapons to Moscow for the war.",
    "sanction designation": "The US Treasury sanctioned 12 Chinese companies for supplying drone components to Russia's military.",
    "sanctions over two sentences": "The EU sanctioned three Chinese firms for the first time.\u0020"
    "They exported military electronics to Russia.",
    "enabler": "NATO leaders called China a decisive enabler of Russia's war against Ukraine.",
    "named supplier without China": "Engines made by Xiamen Limbach power the Garpiya drones that Russia fires at Ukrainian cities.",
    "satellite intelligence": "Ukrainian intelligence says China passed satellite imagery of targets in Ukraine to Russia's military.",
    "Chinese fighters": "Kyiv says two Chinese nationals were captured fighting for Russia in the Donetsk region.",
    "Russian": "Китай поставляет России станки и микроэлектронику для военной промышленности.",
    "Ukrainian": "Китай постачає Росії компоненти для дронів, заявили в розвідці.",
    "Chinese": "美国官员称，中国向俄罗斯提供无人机零部件和机床，支持其对乌克兰的战争。",
    "German": "China liefert Russland Drohnenteile und Werkzeugmaschinen für den Krieg gegen die Ukraine.",
}

NOT_FLAGGED = {
    "trade only": "China and Russia agreed to raise bilateral trade in oil, gas and grain to a record this year.",
    "energy purchases": "Chinese refiners bought more Russian crude in October, customs data showed.",
    "Iran only": "Iran supplied Shahed drones and missiles to Russia for its war in Ukraine.",
    "North Korea only": "North Korea sent artillery shells and troops to help Russia's war against Ukraine.",
    "Taiwan only": "China's military held drills with missiles and drones around Taiwan on Monday.",
    "South China Sea": "Chinese and Philippine vessels collided in the South China Sea; Manila protested.",
    "battlefield only": "Russian drones hit Kyiv overnight; Ukraine shot down 40 of them.",
    "peers, not supplier and recipient": "China and Russia continue to supply fighter jets and weapons to the junta in Myanmar.",
    "navigation box": "Russia | China | Defense | Drones | Ukraine\nThe city council approved a new budget for schools.",
    "live blog on other subjects": "12:05 China announced new export rules for rare earth magnets.\n"
    "12:30 Russian drones struck the port of Odesa overnight.\n"
    "12:45 The EU discussed new sanctions on Russian oil.",
    "sanctions on Russia, China elsewhere": "The EU adopted new sanctions on Russia's oil exports. China's economy grew 5%.",
}


@pytest.mark.parametrize("case", list(FLAGGED))
def test_default_rules_flag_the_topic(case: str) -> None:
    result = verdict(FLAGGED[case])
    assert result.flagged, case
    assert result.evidence, case


@pytest.mark.parametrize("case", list(NOT_FLAGGED))
def test_default_rules_ignore_look_alikes(case: str) -> None:
    result = verdict(NOT_FLAGGED[case])
    assert not result.flagged, (case, result.rules, [e.sentence for e in result.evidence])


def test_denials_and_designations_carry_their_rules() -> None:
    assert "denial-of-support" in verdict(FLAGGED["denial"]).rules
    assert "sanctions-on-chinese-suppliers" in verdict(FLAGGED["sanction designation"]).rules
    assert "named-chinese-supplier" in verdict(FLAGGED["named supplier without China"]).rules


def test_every_default_rule_passes_its_own_examples() -> None:
    from newswatch.rules import check_examples

    assert check_examples(MATCHER) == []


SEED_EVIDENCE = {  # seed file prefix → words the evidence must hold (what an analyst would quote)
    "000": "Chinese weapons deliveries to Russia",
    "001": "Chinese firm’s role in attack drone production for Russia",
    "002": "military aid to Russia",
    "003": "key enabler of Russia’s war",
    "004": "providing drone and missile technology",
}


@pytest.mark.corpus
@pytest.mark.skipif(not (SHARED / "seeds").exists(), reason="../shared/seeds not present")
@pytest.mark.parametrize("prefix", sorted(SEED_EVIDENCE))
def test_every_seed_is_flagged_with_the_right_evidence(prefix: str) -> None:
    (path,) = (SHARED / "seeds").glob(f"{prefix}_*.txt")
    result = verdict(path.read_text(encoding="utf-8"))
    assert result.flagged and result.severity == "high"
    assert any(SEED_EVIDENCE[prefix] in e.sentence for e in result.evidence), [
        e.sentence for e in result.evidence
    ]


@pytest.mark.corpus
@pytest.mark.skipif(not (SHARED / "corpus" / "relevance").exists(), reason="../shared/corpus not present")
def test_relevance_corpus_scores_stay_at_or_above_the_pinned_floors() -> None:
    bench = load_bench("rules")
    result = bench.score(MATCHER, bench.load_items())
    floors = json.loads((ROOT / "bench" / "baselines" / "rules.json").read_text())
    below = {k: (result[k], floor) for k, floor in floors.items() if result[k] < floor}
    assert below == {}
    assert result["precision"] >= 0.90 and result["recall"] >= 0.95  # the targets
