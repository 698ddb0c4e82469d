"""What the extractor's own markup passes cost, and that making them cheaper kept their
results: the passes over the whole page (``story_units``, ``prune_chrome``) read in Python
only the elements that can matter, and give what the plain walks gave.

The cost is counted, not timed: lxml makes a Python object for each element the code
touches, and ``lxml.html`` asks its element-class lookup for each one, so a parser with a
counting lookup tells how many elements a pass handled in Python."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import lxml.html
import pytest
from outlet_sites import Story, pangea_page, paragraphs

from newswatch.extraction import extract, prune_chrome
from newswatch.extraction.fallback import story_units
from newswatch.extraction.markup import (
    _CHROME_ROLES,
    _CHROME_TAGS,
    _names_chrome,
    paragraph_mass,
    remove,
    text_of,
)


class CountingLookup(lxml.html.HtmlElementClassLookup):
    """lxml.html's element classes, counting the Python objects made for elements."""

    def __init__(self) -> None:
        super().__init__()
        self.made = 0

    def lookup(self, node_type: Any, document: Any, namespace: Any, name: Any) -> Any:
        self.made += 1
        return super().lookup(node_type, document, namespace, name)


def counted(html: str) -> tuple[Any, CountingLookup]:
    lookup = CountingLookup()
    parser = lxml.html.HTMLParser()
    parser.set_element_class_lookup(lookup)
    return lxml.html.document_fromstring(html, parser=parser), lookup


def menu_page(items: int, menu: str = "div") -> str:
    """An article behind a menu (a ``menu`` element) of ``items`` short links with no class
    or id (as most menus' items are), and a related box of long link lines."""
    links = "".join(f'<li><a href="/s/{k}">Section {k}</a></li>' for k in range(items))
    related = "".join(
        f'<li><a href="/r/{k}">Related story number {k} about the region and its politics</a></li>'
        for k in range(50)
    )
    body = "".join(f"<p>{p}</p>" for p in paragraphs("the drone engines", 6))
    return (
        f"<html><body><{menu}><ul>{links}</ul></{menu}><article><h1>Drone engines</h1>{body}</article>"
        f'<aside class="related"><ul>{related}</ul></aside></body></html>'
    )


def test_story_units_handle_in_python_only_items_long_enough_to_be_story() -> None:
    tree, lookup = counted(menu_page(3000))
    before = lookup.made
    units = story_units(tree)
    assert len(units) == 6  # the six paragraphs; the related links are link text
    # 6 paragraphs and 50 long related items, each with its link: not the 6,000 menu elements
    assert lookup.made - before < 200


def test_prune_chrome_handles_in_python_only_elements_that_can_name_chrome() -> None:
    tree, lookup = counted(menu_page(3000))
    before = lookup.made
    prune_chrome(tree)
    made = lookup.made - before
    assert not tree.xpath("//aside")  # the related box went
    assert len(tree.xpath("//ul/li")) == 3000  # a menu that names nothing stays
    assert made < 100  # not the 6,000 elements of the menu


def test_a_nav_menu_goes_before_trafilatura_reads_it_but_not_a_nav_holding_the_story() -> None:
    tree = lxml.html.document_fromstring(menu_page(300, menu="nav"))
    prune_chrome(tree)
    assert not tree.xpath("//nav") and len(tree.xpath("//article/p")) == 6
    story = "".join(f"<p>{p}</p>" for p in paragraphs("machine tools", 6))
    tree = lxml.html.document_fromstring(
        f"<html><body><nav><h1>Machine tools</h1>{story}</nav></body></html>"
    )
    prune_chrome(tree)
    assert len(tree.xpath("//nav/p")) == 6  # the page's text: kept, whatever its tag
    tree = lxml.html.document_fromstring(
        f'<html><body><nav role="main"><p>Sections</p></nav><article>{story}</article></body></html>'
    )
    assert prune_chrome(tree).xpath("//nav/p/text()") == ["Sections"]  # a role of its own stands


def _walked(tree: Any, limit: float) -> None:
    """The plain walk ``prune_chrome`` made before (with ``<nav>`` as a landmark): every
    element from the top, a chrome block removed with everything in it unless it holds over
    ``limit`` of paragraph text."""
    stack = [tree]
    while stack:
        for child in list(stack.pop()):
            if not isinstance(child.tag, str):
                continue
            named = child.tag in _CHROME_TAGS and _names_chrome(child)
            role = child.get("role")
            landmark = role in _CHROME_ROLES or (role is None and child.tag == "nav")
            if (named or landmark) and paragraph_mass(child) <= limit:
                remove(child)
            else:
                stack.append(child)


NESTED = """<html><body>
<div class="page"><!-- a comment --><div class="share-bar">Share <a href="#">X</a> tail of share</div> text after
<section class="related-stories">Related <div class="most-read"><p>Most read inside related</p></div></section>
<div role="navigation">Menu <span class="author-bio">bio inside nav</span></div> after nav
<nav><ul><li>Home</li><li class="share">Share</li></ul><p>{long}</p></nav> after the nav element
<nav role="main"><p>Kept: a nav whose role is its own</p><div class="promo">promo in it</div></nav>
<div class="story-body" role="main"><p>{long}</p><p>{long}</p>
  <div class="promo">Promo <div class="newsletter"><p>Sign up inside promo</p></div></div> tail after promo
  <aside role="complementary"><p>{long}</p><p>{long}</p><p>{long}</p></aside>
  <ul class="popular"><li>one</li><li class="social">two</li></ul> tail after list
</div>
<footer class="site-footer">Footer <p class="newsletter">News</p></footer></div>
</body></html>"""


@pytest.mark.parametrize("share", [0.0, 0.3, 0.9])
def test_prune_chrome_removes_what_the_plain_walk_removed(share: float) -> None:
    long = "A paragraph of the story that is long enough to count as article text, with words. " * 2
    html = NESTED.format(long=long)
    mine, walked = lxml.html.document_fromstring(html), lxml.html.document_fromstring(html)
    import newswatch.extraction.markup as markup

    limit = share * paragraph_mass(walked)
    markup._drop_named_chrome(mine, limit)
    _walked(walked, limit)
    assert lxml.html.tostring(mine) == lxml.html.tostring(walked)


def test_text_of_is_the_elements_text_without_comments_or_its_own_tail() -> None:
    tree = lxml.html.fromstring("<div><p>a<!-- note -->b<?pi x?>c<span>d</span>e</p>tail</div>")
    p = tree.find(".//p")
    assert text_of(p) == "abcde" == p.text_content() == "".join(p.itertext())


def test_story_units_keep_the_forty_character_line_whatever_the_spaces() -> None:
    nbsp = "\xa0"
    page = (
        "<html><body>"
        f"<p>{'x' * 39}</p>"  # one short
        f"<p>  {'y' * 40}  </p>"  # exactly 40 once stripped
        f"<p>{'a' * 20}{nbsp * 3}{'b' * 18}</p>"  # 41 as written, 39 once its spaces collapse
        f"<li>{'c' * 20}\n\n\t {'d' * 19}</li>"  # 40 once its whitespace collapses
        f"<table><tr><td>{'e' * 20}</td><td>{'f' * 19}</td></tr></table>"  # 39 + the space between
        f"<p><a href='/x'>{'g' * 30}</a> {'h' * 20}</p>"  # over half link text
        f"<li>\n  <a href='/r'>{'i' * 45}</a>\n</li>"  # one link and nothing else
        f"<li>{'j' * 30} <a href='/s'>{'k' * 15}</a></li>"  # a link in a sentence
        "</body></html>"
    )
    tree = lxml.html.document_fromstring(page)
    assert story_units(tree) == [
        "y" * 40,
        f"{'c' * 20} {'d' * 19}",
        f"{'e' * 20} {'f' * 19}",
        f"{'j' * 30} {'k' * 15}",
    ]


def test_extraction_of_a_chrome_heavy_page_is_unchanged_by_the_cheaper_passes() -> None:
    text = paragraphs("machine tools", 8)
    story = Story(
        "/p/1", "Machine tools for the front", text, datetime(2026, 11, 30, 9, tzinfo=UTC), ["Jane Roe"]
    )
    html = pangea_page(story, "https://www.example.org/p/1").replace(
        "</body>", menu_page(500).split("<body>")[1].split("</body>")[0] + "</body>"
    )
    got = extract(html, "https://www.example.org/p/1")
    kept = [line for line in got.text.split("\n") if line]
    assert all(p in kept for p in text)
    assert not any("Related story number" in line or line.startswith("Section ") for line in kept)


def test_social_line_check_skips_lines_without_a_link_or_handle() -> None:
    from newswatch.extraction.chrome import _social_line

    assert _social_line("Facebook https://fb.me/outlet")
    assert _social_line("LINE ID = @outlet")
    assert not _social_line("The ministry said on Tuesday that engines were shipped")
    assert not _social_line("He told the court: see facebook.com/outlet for the statement " + "x " * 10)
