"""Which URL a text is archived under, when canonical links lie: a page's canonical link is
trusted until a different text holds it, shares it or was fetched from it; a text that took
another page's URL moves back to its own page (docs/stories.md)."""

from __future__ import annotations

from newswatch.archive.connection import Db
from newswatch.archive.seen import SeenUrls
from newswatch.archive.stories import StoryWrites
from newswatch.records import Article
from newswatch.stories import Fingerprint, StoryConfig, StoryIndex, copy_similarity
from newswatch.urls import url_hash, url_key

#: Articles one store may move back to their own pages (a chain of borrowed canonical links).
MAX_MOVES = 64


def spare_url(url: str, article_id: int) -> str:
    """``url`` marked with an article's id: where a text goes when its own page is held by
    another text fetched from the same page (it changed its canonical link between fetches)."""
    return f"{url}{'&' if '?' in url else '?'}newswatch-article={article_id}"


def same_words(a: str, b: str) -> bool:
    """The same text, whitespace aside."""
    return " ".join(a.split()) == " ".join(b.split())


class UrlClaims:
    """Run inside the write that stores an article (every method reads and moves rows of it)."""

    def __init__(self, db: Db, seen: SeenUrls, stories: StoryWrites):
        self.db, self.seen, self.stories = db, seen, stories

    def claim(
        self, url: str, article: Article, text: str, fp: Fingerprint | None, index: StoryIndex | None
    ) -> str:
        """The URL an article is archived under: ``url`` (its canonical link, or the URL it
        was fetched from), unless that canonical is held by, shared with, or the fetched page
        of a different text; then the URL it was fetched from. A different text holding this
        page's own URL (another page's canonical link pointed here) moves back to its own
        page. The URL returned is free, or holds this page or this text (a copy)."""
        own = {url_key(article.url), url_key(article.final_url)}
        alias = url_key(url) not in own
        held = self.db.row("SELECT id, final_url, text FROM articles WHERE url_hash = ?", (url_hash(url),))
        if held is None:
            if not alias:
                return url
            if self.seen.status(url) == "shared_canonical":
                return self.claim(article.url, article, text, fp, index)
            return self._page_fetched_before(url, text, fp, index) or self.claim(
                article.url, article, text, fp, index
            )
        holder, page = held["id"], held["final_url"]
        if (page and url_key(page) in own) or self.same_text(holder, held["text"], text, fp, index):
            return url  # this page again, or a copy of its text: a duplicate or a revision
        if not alias:
            self._move_to_own_page(holder, page)
            return url
        if not page or url_key(page) != url_key(url):  # two texts claim one canonical: it is neither's
            self._move_to_own_page(holder, page)
            detail = "the canonical link of different texts: none is archived under it"
            self.seen.mark([url], article.outlet, "shared_canonical", detail=detail)
        return self.claim(article.url, article, text, fp, index)

    def free_own_pages(
        self, article: Article, text: str, fp: Fingerprint | None, index: StoryIndex | None
    ) -> None:
        """A different text archived under a URL this article was fetched from (it took it as
        its canonical link before this page was fetched) moves back to its own page."""
        own = {url_key(article.url), url_key(article.final_url)}
        for page in dict.fromkeys([article.url, article.final_url]):
            held = self.db.row(
                "SELECT id, final_url, text FROM articles WHERE url_hash = ?", (url_hash(page),)
            )
            if held is None or (held["final_url"] and url_key(held["final_url"]) in own):
                continue
            if not self.same_text(held["id"], held["text"], text, fp, index):
                self._move_to_own_page(held["id"], held["final_url"])

    def holds_text(self, key: str, text: str, fp: Fingerprint | None, index: StoryIndex | None) -> bool:
        """True when the article archived under ``key`` has ``text`` or a copy of it."""
        found = self.db.row("SELECT id, text FROM articles WHERE url_hash = ?", (key,))
        return found is not None and self.same_text(found["id"], found["text"], text, fp, index)

    def same_text(
        self, article_id: int, held_text: str, text: str, fp: Fingerprint | None, index: StoryIndex | None
    ) -> bool:
        """True when ``text`` is the archived article's text, or a copy of it (an AMP or
        mobile rendering of the same article)."""
        if same_words(held_text, text):
            return True
        held = self.stories.fingerprint(article_id)
        if fp is None or held is None:
            return False
        threshold = (index.config if index is not None else StoryConfig()).copy_threshold
        return copy_similarity(fp, held) >= threshold

    def _page_fetched_before(
        self, url: str, text: str, fp: Fingerprint | None, index: StoryIndex | None
    ) -> str | None:
        """For a canonical no article is archived under: ``url`` when its own page was never
        archived (the canonical may be trusted); where that page's text is archived when
        ``text`` is a copy of it; None when the page holds a different text (then the
        canonical names another article's page and is not this one's)."""
        if self.seen.status(url) != "archived":
            return url
        for held in self.db.rows("SELECT id, url, text FROM articles WHERE final_url = ?", (url,)):
            if self.same_text(held["id"], held["text"], text, fp, index):
                return str(held["url"])
        return None

    def _move_to_own_page(self, article_id: int, page: str | None, moves: int = MAX_MOVES) -> None:
        """Archive an article under the URL it was fetched from, freeing the URL it holds. A
        different text holding that page only as a borrowed canonical moves to its own page in
        turn (a chain of at most ``moves``); a cycle ends because each row lets go of its URL
        before the next one moves. A page held by its own text (or past the bound) leaves the
        article under its page's URL marked with its id (``spare_url``)."""
        with self.db.write() as conn:  # the read too: what it decides holds until the commit
            held = self.db.value("SELECT url FROM articles WHERE id = ?", (article_id,))
            if held is None or (page and url_key(page) == url_key(held)):
                return
            parked = f"moving:{article_id}"
            conn.execute(
                "UPDATE articles SET url = ?, url_hash = ? WHERE id = ?", (parked, parked, article_id)
            )
            target = page or held
            blocker = self.db.row(
                "SELECT id, final_url FROM articles WHERE url_hash = ?", (url_hash(target),)
            )
            if (
                page
                and blocker is not None
                and moves > 0
                and blocker["final_url"]
                and url_key(blocker["final_url"]) != url_key(page)
            ):
                self._move_to_own_page(blocker["id"], blocker["final_url"], moves - 1)
                blocker = None
            if not page or blocker is not None:
                target = spare_url(target, article_id)
            conn.execute(
                "UPDATE articles SET url = ?, url_hash = ? WHERE id = ?",
                (target, url_hash(target), article_id),
            )
