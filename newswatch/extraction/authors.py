"""Authors: the people an article credits, from ld+json, meta tags, microdata or the visible
byline, with byline debris cleaned off. A news organisation is no author: a page that names no
person has none. Organisations are told from people by what the page says it is (its site
name, publisher, host: "Deutsche Welle" on a page whose site is "DW"), the outlet's own name,
schema.org types, words such as "News" or "Agency", and acronyms ("ТАСС", "AFP")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from lxml import etree
from trafilatura.metadata import extract_author

from newswatch.extraction.patterns import EMAIL
from newswatch.extraction.structured import is_site, jsonld_types, site_tokens
from newswatch.extraction.words import WORD, norm, plain_text, tokens

AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl")

_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\||/|\s&\s|\band\b|\bund\b|\bet\b|\bи\b|\bі\b|\by\b)\s*")
_BY = re.compile(r"^(?:(?:written|posted|reported|words|text)\s+)?(?:by|von|par|por|от|автор:?|від)\s+", re.I)
_DEGREE = re.compile(r"(?:ph\.?\s?d|m\.?d|mba|jr|sr)\.?", re.I)
_ORG_WORDS = frozenset(
    {
        "news",
        "press",
        "agency",
        "agencies",
        "agence",
        "staff",
        "desk",
        "team",
        "editors",
        "editorial",
        "media",
        "times",
        "post",
        "journal",
        "tribune",
        "herald",
        "gazette",
        "telegraph",
        "network",
        "radio",
        "tv",
        "television",
        "channel",
        "service",
        "bureau",
        "wire",
        "online",
        "today",
        "daily",
        "newsroom",
        "foundation",
        "institute",
        "university",
        "reuters",
        "afp",
        "dpa",
        "ap",
        "bbc",
        "cnn",
    }
)
_JOB_WORDS = frozenset(
    {
        "reporter",
        "reporters",
        "correspondent",
        "editor",
        "writer",
        "columnist",
        "contributor",
        "contributors",
        "producer",
        "professor",
        "analyst",
        "journalist",
        "photographer",
        "author",
        "senior",
        "chief",
        "deputy",
    }
)
_CREDIT_WORDS = frozenset({"red", "redaktion", "agenturen", "agencies", "wires"})
_UI_WORDS = frozenset(
    {"link", "copied", "share", "follow", "email", "twitter", "facebook", "profile", "view", "more", "posts"}
)


def clean_author(name: str) -> str:
    """One byline piece without "By", e-mail, handle, URL, bracketed note, a title after a
    dash ("Jane Doe - Senior Editor"), a place ("Jane Doe in Kyiv") or UI labels."""
    name = EMAIL.sub(" ", name)
    name = re.sub(r"https?://\S+|@\w+|\([^)]*\)", " ", name)
    name = re.sub(r"\s+[-–—]\s+.*$", "", name)
    name = re.sub(r"\s+in\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?$", "", _BY.sub("", norm(name)))
    words = name.split()
    while words and words[-1].casefold() in _UI_WORDS:
        words.pop()
    while words and words[0].casefold() in _UI_WORDS:
        words.pop(0)
    return " ".join(words).strip(" ,;:|.-")


def names_publisher(name: str, sites: Sequence[tuple[str, ...]]) -> bool:
    """True when ``name`` is the site's (or outlet's) name, however spelt: the same words
    (``is_site``), written together ("Al Jazeera" for aljazeera.com) or as initials of three
    letters or more ("Mexico News Daily" for "MND"; not two: "Dana Weber" on dw.com is a person,
    and a two-letter site's full name comes from its own metadata), or an acronym of the site's
    words ("MND" on a page of Mexico News Daily)."""
    words = tokens(name)
    if not words:
        return False
    if is_site(name, sites):
        return True
    joined = "".join(words)
    initials = "".join(w[0] for w in words) if len(words) > 1 else ""
    for site in sites:
        site_joined = "".join(site)
        site_initials = "".join(w[0] for w in site) if len(site) > 1 else ""
        if joined == site_joined or (len(initials) >= 3 and initials == site_joined):
            return True
        if len(words) == 1 and site_initials and joined == site_initials:
            return True
    return False


_ACRONYM = re.compile(r"^[^\W\d_]{2,6}$")


def _kind(name: str, sites: Sequence[tuple[str, ...]]) -> str:
    """``person``, ``org`` (the outlet or another organisation) or ``junk``."""
    words = tokens(name)
    if words and names_publisher(name, sites):
        return "org"  # the outlet, perhaps by its domain ("ORF.at")
    if _ACRONYM.match(name) and name.isupper():
        return "org"  # one word in capitals: an agency or outlet ("ТАСС", "AFP"), never a person
    if not words or not re.search(r"[^\W\d_]", name) or re.search(r"\w\.[a-z]{2,4}\b", name.casefold()):
        return "junk"  # no letters, or a domain name
    if len(words) == 1 and words[0] in _CREDIT_WORDS:
        return "junk"  # "red" (the newsroom), "Agenturen": a credit that names no one
    if set(words) & _JOB_WORDS or len(words) > 5 or _DEGREE.fullmatch(name):
        return "junk"  # a job title or description, a degree
    if set(words) & _ORG_WORDS:
        return "org"
    return "person"


_SITE_NOTE = re.compile(r"\((?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}/?\)", re.I)


def split_authors(raw: Iterable[str], site_names: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """(people, organisations) named by byline strings, each once, in order: "A, B and C"
    split, "By" and the rest of ``clean_author``'s debris removed."""
    sites = site_tokens(site_names)
    people: dict[str, str] = {}
    orgs: dict[str, str] = {}
    for value in raw:
        text = plain_text(value)
        for piece in _AUTHOR_SPLIT.split(_BY.sub("", text)) if text else ():
            name = clean_author(piece)
            kind = _kind(name, sites)
            if kind == "person" and _SITE_NOTE.search(piece):
                kind = "org"  # "Deutsche Welle (www.dw.com)": a publisher naming its site
            if kind != "junk":
                (people if kind == "person" else orgs).setdefault(name.casefold(), name)
    return list(people.values()), list(orgs.values())


def clean_authors(raw: Iterable[str], site_names: Sequence[str] = ()) -> tuple[str, ...]:
    """The authors named by byline strings: the people (an organisation is not one)."""
    return tuple(split_authors(raw, site_names)[0])


def publisher_names(name: str, key: str = "", domains: Iterable[str] = ()) -> tuple[str, ...]:
    """What an outlet is called: its name, each part of a name with a note in brackets
    ("Kommersant (Коммерсантъ)"), its key and its domains with and without their suffix."""
    names = [name, *re.split(r"\s*[()]\s*", name), key]
    for domain in domains:
        names += [domain, domain.split(".")[0]]
    return tuple(dict.fromkeys(n.strip() for n in names if n and n.strip()))


def without_publishers(authors: Iterable[str], publishers: Sequence[str]) -> tuple[str, ...]:
    """``authors`` less those that name one of ``publishers`` (the outlet's names, which
    the page itself may not give: ``publisher_names``)."""
    sites = site_tokens(publishers)
    return tuple(a for a in authors if not names_publisher(a, sites))


def _jsonld_authors(value: Any) -> tuple[list[str], list[str]]:
    """(names, organisation names) of a schema.org author value: a string, a Person or an
    Organization (whose name may itself be a list), or a list of them."""
    names: list[str] = []
    orgs: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            raw = item.get("name")
            found = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
            target = orgs if "organization" in jsonld_types(item) else names
            target.extend(n for n in found if isinstance(n, str))
    return names, orgs


def _byline(scope: Any) -> list[str]:
    """The visible byline, as trafilatura finds it."""
    try:
        found = extract_author(scope)
    except (ValueError, TypeError, etree.XPathError):
        return []
    return [found] if found else []


def _microdata_authors(scope: Any) -> list[str]:
    """Every schema.org microdata author of the article (``itemprop="author"``): its
    ``itemprop="name"``, else its ``content``, else its text."""
    out: list[str] = []
    for node in scope.xpath(".//*[@itemprop='author']")[:10]:
        names = node.xpath(".//*[@itemprop='name']")
        value = (names[0].get("content") or names[0].text_content()) if names else None
        value = value or node.get("content") or node.text_content()
        if value and len(value) <= 200:
            out.append(value)
    return out


_LABEL = (
    r"(?:by|von|par|por|от|від|written by|authors?|autor(?:in|en|innen)?(?:/autor)?|autorin/autor"
    r"|auteurs?|автор[иы]?)"
)
_LABEL_NODE = re.compile(rf"^\s*{_LABEL}\s*(?::|—|–)?\s*(?:$|(?<=:)\s*\S|(?<=\s)\S)", re.I)
_LABEL_TEXT = re.compile(rf"^\s*{_LABEL}\s*(?::|—|–)?\s*", re.I)
_REGEX_NS = {"re": "http://exslt.org/regular-expressions"}


def _labelled_byline(scope: Any) -> list[str]:
    """A byline the page labels ("Von: Bill McCarthy, Marisha Goldhamer", "<strong>Autorin/
    Autor</strong> Roman Goncharenko", "By — <a>…</a>"): the text after the label in the
    label's element (or, for a label alone, in its parent), names only (capitalised, two to
    four words)."""
    nodes = scope.xpath(
        f".//text()[re:test(., '{_LABEL_NODE.pattern}', 'i')][string-length(normalize-space(..)) <= 200]/..",
        namespaces=_REGEX_NS,
    )
    whole_page = scope.getparent() is None  # no <article>/<main>: teasers share the scope
    headline = next(scope.iter("h1"), None) if whole_page else None
    for node in nodes[:20]:
        if node.tag in ("script", "style", "a") or not _LABEL_NODE.match(node.text or ""):
            continue
        if next(node.iterancestors("a"), None) is not None:
            continue  # a teaser for another story ("Von Ines Zöttl" under its headline)
        if headline is not None and _in_teaser(node, headline):
            continue  # "Author: …" under another story's linked headline (DW's 2020 pages)
        text = norm(node.text_content())
        if not _LABEL_TEXT.sub("", text):  # the label alone: the names follow it in the parent
            parent = node.getparent()
            text = norm(parent.text_content()) if parent is not None else ""
            if len(text) > 200:
                continue
            text = text[text.find(norm(node.text or "")) :]
        names = [n for n in _AUTHOR_SPLIT.split(_LABEL_TEXT.sub("", text)) if _name_like(clean_author(n))]
        if names:
            return names
    return []


_LINKED_HEADING = (
    "./descendant::*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6][.//a[@href]]"
    " | ./descendant::a[@href][.//h2 or .//h3 or .//h4 or .//h5 or .//h6]"
)


#: A teaser (a linked headline, a line or two, a byline) is shorter than this.
TEASER_CHARS = 600


def _in_teaser(node: Any, headline: Any) -> bool:
    """True when ``node`` sits in a short block holding a linked headline (a teaser of
    another story), below the blocks of the page's own ``headline``."""
    own = set(headline.iterancestors())
    for block in node.iterancestors():
        if block in own or len(norm(block.text_content())) > TEASER_CHARS:
            return False  # the page's own part, or a section larger than any teaser
        if block.xpath(_LINKED_HEADING):
            return True
    return False


_PARTICLES = frozenset(
    {"van", "von", "der", "de", "da", "del", "di", "la", "le", "bin", "al", "el", "du", "ten"}
)


# Words of a Title Case subhead ("What Comes Next", "The Road Ahead"), never of a name.
_NOT_NAME_WORDS = frozenset(
    WORD.findall(
        "the a an of in on at for to with what why how who when where is are was next new more read about"
        " after before from our your this that these those update updates live watch video photos key points"
        " background analysis explainer timeline road ahead comes"
    )
)


def _name_like(name: str) -> bool:
    """Two to four words, each capitalised (in scripts with case) or a name particle, none
    a word of a subhead."""
    words = name.split()
    if not 2 <= len(words) <= 4 or any(not w[0].isalpha() for w in words):
        return False
    if any(w.casefold() in _NOT_NAME_WORDS for w in words):
        return False
    return all(not w[0].islower() or w in _PARTICLES for w in words) and not words[0][0].islower()


def _bold_byline(scope: Any) -> list[str]:
    """A byline set as a bold paragraph of its own among the first three or the last two
    paragraphs of the article ("<p><strong>Jane Doe/John Roe</strong></p>")."""
    parents = Counter(p.getparent() for p in scope.iter("p") if len(p.text_content()) > 80)
    if not parents:
        return []
    body = parents.most_common(1)[0][0]
    paragraphs = [p for p in body if p.tag == "p" and p.text_content().strip()]
    for p in paragraphs[:3] + paragraphs[-2:]:
        text = norm(p.text_content())
        bold = norm(" ".join(b.text_content() for b in p.iter("strong", "b")))
        if not text or bold != text or len(text) > 80:
            continue
        names = [clean_author(n) for n in _AUTHOR_SPLIT.split(text)]
        if names and all(_name_like(n) for n in names):
            return names
    return []


def page_authors(
    scope: Any, meta: dict[str, str], article: dict[str, Any], site_names: Sequence[str]
) -> tuple[str, ...]:
    """People named by the structured data, else by meta tags, else by the visible byline;
    none when only an organisation is credited (the outlet, a wire agency)."""
    structured, _ = _jsonld_authors(article.get("author"))
    sources: tuple[Callable[[], list[str]], ...] = (
        lambda: structured,
        lambda: [meta[k] for k in AUTHOR_META if meta.get(k) and not meta[k].startswith("http")],
        lambda: _microdata_authors(scope),
        lambda: _byline(scope),
        lambda: _labelled_byline(scope),
        lambda: _bold_byline(scope),
    )
    for source in sources:
        people = split_authors(source(), site_names)[0]
        if people:
            return tuple(people)
    return ()
