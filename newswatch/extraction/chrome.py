"""Line-level chrome: whole lines of the extracted text that are page furniture (share and
follow lines, promo labels and the headlines under them, closing recirculation boxes,
appeals, bylines, the headline repeated, a closing author bio, closing credits, echoes)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from newswatch.extraction.patterns import (
    APPEAL_LINE,
    BYLINE_LINE,
    CHROME_LINES,
    CREDIT_LINE,
    DATE_LINE,
    EMAIL,
    EMBED_LINE,
    LABEL_LINE,
    PROMO_LINES,
    RECIRCULATION_LINE,
    RIGHTS_LINE,
    SOCIAL_LINE,
)
from newswatch.extraction.words import WORD, norm, word_triples
from newswatch.text import cross_reference

_QUOTES = re.compile(r"[\"“”«»„]")
_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]\s+|[•·*|\-–]\s*)")


def _is_chrome_line(line: str, title: str, names: set[str]) -> bool:
    bare = _LIST_MARK.sub("", line).strip(" \t•·|-–")
    return bool(
        (line.strip() and not WORD.search(line))  # marks only: "***", "––––", "“„"
        or CHROME_LINES.match(bare)
        or PROMO_LINES.match(bare)
        or cross_reference(bare)
        or EMBED_LINE.search(bare)
        or _social_line(bare)
        or (len(bare) <= 200 and RIGHTS_LINE.search(bare))
        or (len(bare.split()) <= 15 and not _QUOTES.search(bare) and APPEAL_LINE.search(bare))
        or bare.casefold() in names  # a byline left behind
        or BYLINE_LINE.match(bare)
        or (title and norm(bare).casefold() == title)  # the headline again (a caption, alt text)
        or DATE_LINE.match(bare)
        or _doubled(bare)  # a teaser card's headline, twice
    )


def _social_line(line: str) -> bool:
    """A label of at most four words and a link to a social or payment account (not a
    sentence that cites one)."""
    if "/" not in line and "@" not in line:  # a link holds a slash, a LINE ID an @: no search
        return False
    found = SOCIAL_LINE.search(line)
    return found is not None and len(line[: found.start()].split()) <= 4


def _doubled(line: str) -> bool:
    words = line.split()
    half = len(words) // 2
    return len(words) >= 4 and len(words) % 2 == 0 and words[:half] == words[half:]


def _cut_recirculation(lines: list[str]) -> list[str]:
    """Lines before a closing recirculation box: a "More from …" / "Popular" heading
    followed to the end by at most 16 teaser lines (headlines and one-sentence blurbs)."""
    for i, line in enumerate(lines):
        rest = [r for r in lines[i + 1 :] if r.strip()]
        if (
            RECIRCULATION_LINE.match(line.strip(" \t•·|-–"))
            and len(rest) <= 16
            and all(len(r.split()) <= 25 for r in rest)
            and (not rest or any(_headline_like(r) for r in rest))
        ):
            return lines[:i]
    return lines


def _headline_like(line: str) -> bool:
    return 0 < len(line.split()) <= 20 and not line.rstrip().endswith((".", ":", ";", ",", "”", '"'))


def _drop_promo_lists(lines: Sequence[str]) -> list[str]:
    """A "Read more:" label line and the headlines listed under it."""
    kept: list[str] = []
    in_list = False
    for line in lines:
        bare = line.strip()
        if LABEL_LINE.match(bare):
            in_list = True
        elif not (in_list and (not bare or _headline_like(bare))):
            in_list = False
            kept.append(line)
    return kept


# "Jane Doe is a news writer who…": a closing line introducing someone by their job.
_BIO_LINE = re.compile(
    r"^((?:[A-Z][\w'’.-]+\s+){1,3})is\s+(?:a|an|the)\s+(?:[\w/-]+\s+){0,8}?"
    r"(?:writer|reporter|correspondent|editor|journalist|columnist|contributor|producer|fellow)\b"
)


def _introduces_author(line: str, names: Sequence[str]) -> bool:
    """ "Jane Doe is a Brussels correspondent…", "Jane Doe can be reached at…"."""
    line = line.strip()
    for name in names:
        rest = line[len(name) :] if line.startswith(name) else ""
        if re.match(r"\s*(?:is|was|has|covers|writes|reports|joined|can\s+be\s+reached)\b", rest):
            return True
    return False


def _is_bio(line: str, before: str) -> bool:
    """ "Sam Roe is a news writer who…" about someone the text before never named, or
    "Contact Sam Roe at sroe@…"."""
    line = line.strip()
    if (match := _BIO_LINE.match(line)) and match.group(1).split()[-1] not in before:
        return True
    contact = re.search(r"reached|e-?mail|contact", line, re.IGNORECASE)
    return len(line) <= 300 and bool(EMAIL.search(line)) and bool(contact)


def _cut_bio(lines: list[str], names: Sequence[str]) -> list[str]:
    """Lines before a closing author bio: a line introducing one of the authors among the
    last fifteen, or any closing line introducing a writer by their job among the last four."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    for rank, i in enumerate(content):
        left = len(content) - rank
        by_name = left <= 15 and _introduces_author(lines[i], names)
        if rank and (by_name or (left <= 4 and _is_bio(lines[i], "\n".join(lines[:i])))):
            return lines[:i]
    return lines


def strip_chrome(text: str, authors: Sequence[str] = (), title: str | None = None) -> str:
    """Drop whole lines that are page chrome (with the headlines listed under a "Read
    more:" label), leftover bylines, the headline repeated, a closing author bio and
    closing credits."""
    names = [a for a in authors if len(a) >= 4]
    lowered = {n.casefold() for n in names}
    heading = norm(title).casefold() if title else ""
    lines = _drop_promo_lists(_cut_recirculation(text.splitlines()))
    lines = [ln for ln in lines if not _is_chrome_line(ln, heading, lowered)]
    lines = _drop_echoes(_drop_closing_credits(_cut_bio(lines, names)))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _drop_echoes(lines: list[str]) -> list[str]:
    """The lines without those (of a dozen words or more) that a line longer by a few words
    repeats almost word for word: a pull quote, or a teaser the first paragraph repeats
    after its dateline (a quote given twice in the same words stays twice)."""
    triples = [set(word_triples(line)) for line in lines]
    where: dict[tuple[str, ...], list[int]] = {}
    for i, found in enumerate(triples):
        for triple in found:
            where.setdefault(triple, []).append(i)
    out = []
    for i, line in enumerate(lines):
        mine = triples[i]
        if len(mine) >= 10:
            others = (where[t] for t in mine if len(where[t]) <= 50)  # a bound on hostile pages
            shared = Counter(j for js in others for j in js if len(triples[j]) >= len(mine) + 2)
            if shared and max(shared.values()) >= 0.9 * len(mine):
                continue
        out.append(line)
    return out


_CREDIT_SHARE = 0.1  # closing credits holding more of a short story's words stay


def _drop_closing_credits(lines: list[str]) -> list[str]:
    """The text without the credit lines (and blank lines) it ends with, unless they hold
    more than a tenth of its words (a two-paragraph story keeps its "Reporting by …")."""
    kept = list(lines)
    while kept and (not kept[-1].strip() or CREDIT_LINE.match(kept[-1].strip())):
        kept.pop()
    dropped = sum(len(WORD.findall(line)) for line in lines[len(kept) :])
    if dropped > _CREDIT_SHARE * sum(len(WORD.findall(line)) for line in lines):
        return list(lines)
    return kept
