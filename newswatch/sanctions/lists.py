"""The official lists newswatch reads: their keys, names, settings and parsers."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from newswatch.sanctions.model import ListedEntity


@dataclass(frozen=True, slots=True)
class OfficialList:
    key: str
    name: str
    setting: str  # the setting that holds its URL
    module: str  # the parser: newswatch.sanctions.<module>.parse(data, url)

    def parser(self) -> Callable[[bytes, str], list[ListedEntity]]:
        parse: Callable[[bytes, str], list[ListedEntity]] = importlib.import_module(
            f"newswatch.sanctions.{self.module}"
        ).parse
        return parse


LISTS: dict[str, OfficialList] = {
    entry.key: entry
    for entry in (
        OfficialList("us-sdn", "US Treasury OFAC SDN list", "NEWSWATCH_LIST_URL_US_SDN", "ofac"),
        OfficialList("us-csl", "US Consolidated Screening List", "NEWSWATCH_LIST_URL_US_CSL", "csl"),
        OfficialList("eu-fsf", "EU consolidated financial sanctions list", "NEWSWATCH_LIST_URL_EU_FSF", "eu"),
        OfficialList("uk-sanctions", "UK sanctions list", "NEWSWATCH_LIST_URL_UK", "uk"),
        # not an official list, and its data licence is non-commercial: read only when the
        # operator names it in NEWSWATCH_ENTITY_LISTS
        OfficialList(
            "opensanctions",
            "OpenSanctions sanctions targets",
            "NEWSWATCH_LIST_URL_OPENSANCTIONS",
            "opensanctions",
        ),
    )
}
#: Their keys, in the order they are read.
ENTITY_LISTS = tuple(LISTS)
#: The lists read unless the operator says otherwise: the governments' own (OpenSanctions is
#: opt-in).
DEFAULT_LISTS = ("us-sdn", "us-csl", "eu-fsf", "uk-sanctions")
