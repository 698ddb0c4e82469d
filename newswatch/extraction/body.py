"""The article body: the text of a named container, or trafilatura's main-content
extraction with the paragraphs it skipped put back, the ld+json articleBody when it holds
more, and the standfirst that boilerplate removal drops."""

from __future__ import annotations

import html as htmllib
import itertools
import re
from collections import Counter
from typing import Any

import trafilatura

from newswatch.extraction.markup import css_xpath, link_share, paragraph_mass, remove
from newswatch.extraction.words import WORD, mostly_new, norm, tokens, triples, with_inserts

# Not text inside a named article body (body_selector).
_CONTAINER_DROP = ".//nav | .//aside | .//figure | .//figcaption | .//header | .//footer | .//h1"
_BLOCK_TAGS = frozenset(
    {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "div", "tr", "caption"}
)


def block_lines(node: Any) -> list[str]:
    """The text of an element as lines: one per block element (paragraph, heading, list
    item, table row with its cells joined by " | "…) and per ``<br>``; runs of whitespace
    collapsed, empty lines left out."""
    lines: list[str] = []
    run: list[str] = [node.text or ""]

    def flush() -> None:
        text = norm("".join(run))
        if text:
            lines.append(text)
        run.clear()

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in _BLOCK_TAGS
        if block or tag == "br":
            flush()
        if tag in ("td", "th") and el.getprevious() is not None:
            run.append(" | ")  # a table row is one line, its cells apart
        if tag:  # comments and processing instructions hold no text
            run.append(el.text or "")
            for child in el:
                walk(child)
        if block:
            flush()
        run.append(el.tail or "")

    for child in node:
        walk(child)
    flush()
    return lines


def container_text(tree: Any, selector: str) -> str:
    """Text of the elements matching ``selector`` (the article body, or its paragraphs), in
    page order and each once, without navigation, asides, figures, captions and headline;
    "" when nothing matches."""
    nodes = tree.xpath(css_xpath(selector))
    chosen = set(nodes)
    lines: list[str] = []
    for node in nodes:
        if any(a in chosen for a in node.iterancestors()):
            continue  # inside another match: its text is taken there
        for inner in node.xpath(_CONTAINER_DROP):
            remove(inner)
        lines.extend(block_lines(node))
    return "\n".join(lines)


_TABLE_RULE = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+\s*$")


def table_rows(text: str) -> str:
    """trafilatura's tables as text lines: one line per row, cells joined by " | " (its
    Markdown pipes at both ends and the rule under the header row left out)."""
    if "|" not in text:
        return text
    lines = []
    for line in text.split("\n"):
        bare = line.strip()
        if bare.startswith("|") and bare.endswith("|"):
            if _TABLE_RULE.match(bare):
                continue
            line = " | ".join(c for c in (cell.strip() for cell in bare[1:-1].split("|")) if c)
        lines.append(line)
    return "\n".join(lines)


def trafilatura_text(tree: Any, url: str | None, precision: bool = True) -> str:
    """trafilatura's main text of a page (comments left out, tables in, as rows of text)."""
    doc: Any = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=False,
        include_comments=False,
        favor_precision=precision,
        include_tables=True,
        deduplicate=False,
    )
    return table_rows(getattr(doc, "text", None) or "") if doc is not None else ""


def generic_text(tree: Any, url: str | None) -> str:
    """trafilatura in precision mode, or in balanced mode when precision kept under a
    fifth of the page's paragraph text (it cuts live blogs and sectioned stories short);
    then the paragraphs it skipped between two it kept are put back."""
    text = trafilatura_text(tree, url)
    mass = paragraph_mass(tree)
    if mass >= 1000 and len(text) < 0.2 * mass:
        wider = trafilatura_text(tree, url, precision=False)
        if len(wider) > len(text):
            text = wider
    return fill_gaps(text, tree)


def _prose(node: Any, text: str) -> bool:
    """A paragraph that reads as a sentence of the story: long enough, closed by
    punctuation, and with words of its own outside any link."""
    if len(text) < 60 or text[-1] not in '.!?"”’»)':
        return False
    outside = (node.text or "") + "".join(
        (child.tail or "") + ("" if child.tag == "a" else "".join(child.itertext())) for child in node
    )
    return bool(WORD.search(outside)) and text.upper() != text


def _shape(node: Any) -> tuple[tuple[str, str], ...]:
    """Tag and class of a paragraph and its three nearest ancestors."""
    chain = [node, *itertools.islice(node.iterancestors(), 3)]
    return tuple((str(n.tag), n.get("class", "")) for n in chain)


_SUBHEADS = ("h2", "h3", "h4")


def fill_gaps(text: str, tree: Any) -> str:
    """``text`` with the page's prose paragraphs that lie between two paragraphs it kept,
    and are shaped like one of them (same tags and classes around them), put back in page
    order. trafilatura drops a paragraph whose words are mostly link text ("It also
    <a>co-ordinates military plans</a>.") even in the middle of a story.

    Subheads between two kept paragraphs of the same block go back too, but only when the
    text has none of the page's subheads: trafilatura then fell back to gathering loose
    paragraphs, which never keeps a heading; when it kept some, the others it dropped on
    purpose."""
    lines = text.split("\n")
    kept = {tuple(tokens(line)): i for i, line in enumerate(lines)}
    seen = triples(text)
    heads = not any(tuple(tokens(norm(h.text_content()))) in kept for h in tree.iter(*_SUBHEADS))
    inserts: dict[int, list[str]] = {}
    last: tuple[int, tuple[tuple[str, str], ...], Any] | None = None
    pending: list[tuple[str, tuple[tuple[str, str], ...] | None, Any]] = []
    for node in tree.iter("p", *_SUBHEADS):
        flat = norm(node.text_content())
        if node.tag != "p":
            if heads and last is not None and flat and len(flat) <= 150 and link_share(node) < 0.5:
                pending.append((flat, None, node.getparent()))
            continue
        at = kept.get(tuple(tokens(flat))) if flat else None
        if at is not None:
            shape, parent = _shape(node), node.getparent()
            if last is not None and at > last[0]:
                fill = [
                    line
                    for line, form, home in pending
                    if form in (shape, last[1]) or (form is None and home is parent is last[2])
                ]
                if fill:
                    inserts.setdefault(last[0], []).extend(fill)
            last, pending = (at, shape, parent), []
        elif last is not None and flat and _prose(node, flat) and mostly_new(flat, seen):
            pending.append((flat, _shape(node), None))
    return with_inserts(text, lines, inserts)


def _body_lines(value: str) -> list[str]:
    """Lines of an ld+json articleBody, which may hold markup or entities."""
    if "<" in value:
        value = re.sub(r"<(?:br|/p|/h\d|/li)\b[^>]*>", "\n", value, flags=re.I)
        value = re.sub(r"<[^>]{1,300}>", "", value)
    return [norm(line) for line in htmllib.unescape(value).splitlines() if line.strip()]


def fuller_body(text: str, structured: str | None) -> str:
    """The ld+json articleBody instead of the extracted text when it holds clearly more of
    the same article (a fifth more words, and nearly all the extracted ones), or when the
    markup gave next to nothing (a fifth of its words or less: a caption, a teaser)."""
    if not structured:
        return text
    body = "\n".join(_body_lines(structured))
    mine, theirs = Counter(tokens(text)), Counter(tokens(body))
    n_mine, n_theirs = mine.total(), theirs.total()
    if n_theirs >= 1.2 * max(n_mine, 1) and (mine & theirs).total() >= 0.9 * n_mine:
        return body
    if n_theirs >= 150 and n_theirs >= 5 * n_mine:  # the page shows a caption or a teaser only
        return body
    return text


def standfirst(tree: Any, description: str | None = None) -> str | None:
    """The lead paragraph an article keeps in its own header (a standfirst or teaser),
    which boilerplate removal drops with the header: a header paragraph, or a visible
    element that repeats the page's description."""
    for node in tree.xpath(
        "//article//header//p | //header[.//h1]//p[contains(@class,'summary') or "
        "contains(@class,'standfirst') or contains(@class,'teaser') or "
        "contains(@class,'lead')]"
    ):
        text = norm(node.text_content())
        if len(text) >= 60 and text[-1] in '.!?"”’»':
            return text
    if description and len(description) >= 60:
        for node in tree.xpath("//body//p | //body//*[self::h2 or self::div][not(*)]"):
            if norm(node.text_content()) == description:
                return description
    return None

