"""Small outlet sites for the crawl tests, shaped like the real outlets' markup.

Page shapes follow the facts we hold on each outlet: Pangea pages (RFE/RL) with
``#article-content`` and skip links, DW's ``div.rich-text`` and RDF feed with ``?maca=``
links, Ghost (Kyiv Independent) news sitemaps, WordPress section listings (Washington
Examiner), Epoch Times' gzipped news sitemap. All text is written for these tests.
"""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

from fakeweb import FakeWeb

NAV = """
<header class="site-header"><nav class="main-nav"><ul>
  <li><a href="/topics/russia">Russia</a></li><li><a href="/topics/china">China</a></li>
  <li><a href="/topics/defense">Defense</a></li><li><a href="/topics/ukraine">Ukraine</a></li>
</ul></nav></header>"""

MOST_READ = """
<aside class="most-read"><h2>Most Read</h2><ol>
  <li><a href="/topics/china/1">China and Russia hold naval drills in the Sea of Japan</a></li>
  <li><a href="/topics/defense/2">Pentagon budget talks stall again</a></li>
</ol></aside>"""

SHARE_BAR = """
<div class="share-bar"><ul><li><a href="#">Share</a></li><li><a href="#">Facebook</a></li>
<li><a href="#">Twitter</a></li><li><a href="#">Telegram</a></li><li><a href="#">Email</a></li>
</ul></div>"""


@dataclass
class Story:
    """One test article: what the page says and what the archive must hold."""

    path: str
    title: str
    paragraphs: list[str]
    published: datetime
    authors: list[str] = field(default_factory=lambda: ["Test Reporter"])
    bio: str = ""
    lang: str = "en"
    flagged: bool = False  # what the default rules must decide

    @property
    def first_sentence(self) -> str:
        return self.paragraphs[0].split(". ")[0]

    @property
    def last_sentence(self) -> str:
        return self.paragraphs[-1].rsplit(". ", 1)[-1]


SENTENCES = [
    "Officials in Brussels said on Tuesday that new evidence about {t} had been shared with member states.",
    "The material on {t} was described by two diplomats as detailed and consistent with earlier findings.",
    "Analysts who follow {t} said shipments appeared to pass through intermediaries in third countries.",
    "A spokesperson for the foreign ministry rejected the claims about {t} as baseless and lawful trade.",
    "Ministers are expected to return to {t} at their next meeting, when new measures could be tabled.",
    "Further reporting on {t} is expected as investigators compare customs records with satellite imagery.",
    "Customs data reviewed by reporters show that deliveries linked to {t} doubled over the summer months.",
    "A senior lawmaker called for hearings on {t} and asked the government to publish what it knows.",
    "Industry representatives warned that rules on {t} were hard to enforce without better data sharing.",
    "Researchers at a think tank in Washington compiled a database of firms involved in {t} last year.",
    "The company named in connection with {t} did not respond to several requests for comment by email.",
    "Court filings made public this week describe how payments for {t} were routed through small banks.",
    "Diplomats in Vienna said the question of {t} had come up repeatedly in closed-door consultations.",
    "A former official familiar with {t} said enforcement had improved but gaps remained at the border.",
    "Local media reported that a warehouse tied to {t} had changed owners twice within a few months.",
    "The finance ministry said it was reviewing licences connected to {t} and would report back soon.",
    "Shipping records show several vessels associated with {t} switched off their transponders at sea.",
    "Trade statistics for {t} are published with a delay, which makes rapid assessments difficult.",
    "Opposition politicians accused the cabinet of moving too slowly on {t} despite repeated warnings.",
    "An internal memo on {t} seen by journalists lists a dozen suppliers and their registered addresses.",
    "Insurance brokers said premiums for cargo linked to {t} had risen sharply since the spring.",
    "The parliament's committee will question the economy minister about {t} early next month.",
    "Independent experts cautioned that some of the figures on {t} could not be verified on their own.",
    "A regional governor said factories producing items related to {t} were working around the clock.",
]


def paragraphs(topic: str, n: int = 5) -> list[str]:
    """Distinct, article-like paragraphs about ``topic`` (different topics draw different
    sentences, so two test stories are not near-copies of each other)."""
    rng = random.Random(topic)
    return [sentence.format(t=topic) for sentence in rng.sample(SENTENCES, n)]


def ldjson(story: Story, url: str, publisher: str, kind: str = "NewsArticle") -> str:
    data = {
        "@context": "https://schema.org",
        "@type": kind,
        "headline": story.title,
        "datePublished": story.published.isoformat(),
        "dateModified": (story.published + timedelta(hours=1)).isoformat(),
        "author": [{"@type": "Person", "name": a} for a in story.authors],
        "publisher": {"@type": "Organization", "name": publisher},
        "mainEntityOfPage": url,
    }
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def pangea_page(story: Story, url: str) -> str:
    """RFE/RL (Pangea CMS): skip links, #article-content, author bio, size picker."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    bio = escape(story.bio or f"{story.authors[0]} covers the EU and NATO for RFE/RL.")
    return f"""<!DOCTYPE html><html lang="{story.lang}"><head><meta charset="utf-8">
<title>{escape(story.title)}</title><meta property="og:title" content="{escape(story.title)}">
<link rel="canonical" href="{url}">{ldjson(story, url, "RFE/RL")}</head><body>
<div class="skip-links"><a href="#content">Accessibility links</a><a href="#content">Skip to main content</a></div>
{NAV}<main id="content"><div class="breaking-news">Breaking News</div>
<h1 class="title pg-title">{escape(story.title)}</h1>
<div class="publishing-details"><time datetime="{story.published.isoformat()}">{story.published:%B %d, %Y}</time></div>
<div id="article-content" class="content-floated-wrap"><div class="wsw">{body}</div></div>
{SHARE_BAR}
<div class="author-bio"><div class="img-wrap">16x9 Image</div><h4>{escape(story.authors[0])}</h4><p>{bio}</p></div>
<div class="font-size"><ul><li>XS</li><li>SM</li><li>MD</li><li>LG</li></ul></div>
</main>{MOST_READ}<footer><p>RFE/RL has been declared an "undesirable organization" by the Russian government.</p></footer>
</body></html>"""


def dw_page(story: Story, url: str) -> str:
    """DW: skip links list, header summary, div.rich-text paragraphs, credit line."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs[1:])
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(story.title)} – DW</title>
<link rel="canonical" href="{url}">{ldjson(story, url, "Deutsche Welle")}</head><body>
<ol class="skip-links"><li><a href="#main">Skip to content</a></li><li><a href="#nav">Skip to main menu</a></li>
<li><a href="#sites">Skip to more DW sites</a></li></ol>{NAV}
<main id="main"><article><header><div class="kicker"><span>Conflicts</span></div>
<h1>{escape(story.title)}</h1><p>{escape(story.paragraphs[0])}</p></header>
<div class="rich-text">{body}<p>ac/sms (Reuters, AFP)</p></div></article>{SHARE_BAR}</main>
{MOST_READ}<footer>© 2026 Deutsche Welle</footer></body></html>"""


def ghost_page(story: Story, url: str) -> str:
    """Kyiv Independent (Ghost): gh-content section, newsletter box."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(story.title)}</title>
<link rel="canonical" href="{url}"><meta property="article:published_time" content="{story.published.isoformat()}">
{ldjson(story, url, "The Kyiv Independent", "Article")}</head><body>{NAV}
<main><article class="post"><h1 class="post-title">{escape(story.title)}</h1>
<div class="post-meta"><a class="author" href="/author/x/">{escape(story.authors[0])}</a></div>
<section class="gh-content">{body}</section>
<div class="newsletter"><h3>Sign up for our newsletter</h3><p>Get the day's news in your inbox.</p></div>
</article></main>{MOST_READ}</body></html>"""


def wordpress_page(story: Story, url: str) -> str:
    """Washington Examiner (WordPress): entry-content, related box, promo line."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8"><title>{escape(story.title)} - Washington Examiner</title>
<link rel="canonical" href="{url}">{ldjson(story, url, "Washington Examiner")}</head><body>{NAV}
<main><article><h1 class="entry-title">{escape(story.title)}</h1>
<div class="byline">By {escape(story.authors[0])}</div><div class="entry-content">{body}
<p><strong>CLICK HERE TO READ MORE FROM THE WASHINGTON EXAMINER</strong></p></div>
<section class="related"><h2>Related Content</h2><ul><li><a href="/x">Another story</a></li></ul></section>
</article></main></body></html>"""


def epoch_page(story: Story, url: str) -> str:
    """The Epoch Times: post_content, author card repeated after the body."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(story.title)} | The Epoch Times</title>
<link rel="canonical" href="{url}">{ldjson(story, url, "The Epoch Times")}</head><body>{NAV}
<main><h1 class="title">{escape(story.title)}</h1><div class="author-card">{escape(story.authors[0])} Reporter</div>
<div class="post_content" id="post_content">{body}</div>{SHARE_BAR}</main></body></html>"""


def rss(items: list[tuple[str, str, datetime]]) -> str:
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link><guid>{escape(u)}</guid>"
        f"<pubDate>{format_datetime(d)}</pubDate><description>{escape(t)} summary</description></item>"
        for t, u, d in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed</title>'
        f"<link>http://example/</link><description>d</description>{entries}</channel></rss>"
    )


def rdf(items: list[tuple[str, str, datetime]]) -> str:
    entries = "".join(
        f'<item rdf:about="{escape(u)}"><title>{escape(t)}</title><link>{escape(u)}</link>'
        f"<dc:date>{d.isoformat()}</dc:date></item>"
        for t, u, d in items
    )
    seq = "".join(f'<rdf:li rdf:resource="{escape(u)}"/>' for _, u, _ in items)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="x"><title>DW</title><link>x</link><description>d</description>'
        f"<items><rdf:Seq>{seq}</rdf:Seq></items></channel>{entries}</rdf:RDF>"
    )


def atom(items: list[tuple[str, str, datetime]], updated: dict[str, datetime] | None = None) -> str:
    """An Atom feed; ``updated`` gives an entry (by URL) an <updated> later than <published>."""
    changed = updated or {}
    entries = "".join(
        f'<entry><title>{escape(t)}</title><link rel="alternate" href="{escape(u)}"/><id>{escape(u)}</id>'
        f"<published>{d.isoformat()}</published><updated>{changed.get(u, d).isoformat()}</updated></entry>"
        for t, u, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Feed</title><id>urn:x</id><updated>2026-01-01T00:00:00Z</updated>{entries}</feed>"
    )


def news_sitemap(items: list[tuple[str, str, datetime]]) -> str:
    urls = "".join(
        f"<url><loc>{escape(u)}</loc><news:news><news:publication><news:name>X</news:name>"
        f"<news:language>en</news:language></news:publication>"
        f"<news:publication_date>{d.isoformat()}</news:publication_date>"
        f"<news:title>{escape(t)}</news:title></news:news></url>"
        for t, u, d in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>"
    )


def sitemap_index(children: list[tuple[str, datetime]]) -> str:
    items = "".join(
        f"<sitemap><loc>{escape(u)}</loc><lastmod>{d.isoformat()}</lastmod></sitemap>" for u, d in children
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'
    )


@dataclass
class Sites:
    """What was served and what the archive must end up holding."""

    web: FakeWeb
    outlets_toml: str
    archived: dict[str, Story]  # canonical URL → story, every one must be archived once
    not_archived: dict[str, str]  # URL → why it must not be archived
    transient: list[str]  # paths that fail transiently (retried on the next run)


RSS_TYPE = "application/rss+xml; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"


def build_sites(web: FakeWeb, now: datetime | None = None) -> Sites:
    now = now or datetime.now(UTC).replace(microsecond=0)
    fresh = now - timedelta(hours=3)
    old = now - timedelta(days=10)
    u = web.url
    archived: dict[str, Story] = {}
    not_archived: dict[str, str] = {}

    def publish(story: Story, render, url_path: str | None = None) -> str:  # type: ignore[no-untyped-def]
        url = u(url_path or story.path)
        web.add(story.path, render(story, url))
        archived[url] = story
        return url

    web.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")

    # RFE/RL: RSS 2.0 with a tracking-parameter link, a stale item, a PDF and an empty page.
    a1 = Story(
        "/rferl/a/eu-drone-evidence/33000001.html",
        "EU weighs drone-engine evidence",
        [
            "Chinese companies have supplied drone engines to Russia's military, three EU diplomats said on Tuesday.",
            *paragraphs("the drone engines")[1:],
        ],
        fresh,
        ["Ana Petrova"],
        flagged=True,
    )
    a2 = Story(
        "/rferl/a/machine-tools-probe/33000002.html",
        "Machine-tool exports under scrutiny",
        paragraphs("machine-tool exports"),
        fresh - timedelta(hours=1),
        ["Marek Novak"],
    )
    a3 = Story("/rferl/a/old-story/33000003.html", "An old story", paragraphs("old news"), old)
    publish(a1, pangea_page)
    publish(a2, pangea_page)
    web.add(a3.path, pangea_page(a3, u(a3.path)))
    not_archived[u(a3.path)] = "stale"
    web.add(
        "/rferl/a/report-pdf/33000004.html",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        content_type="application/pdf",
    )
    not_archived[u("/rferl/a/report-pdf/33000004.html")] = "not_html"
    empty = Story("/rferl/a/photo-gallery/33000005.html", "Photo gallery", ["Photos."], fresh)
    web.add(empty.path, pangea_page(empty, u(empty.path)))
    not_archived[u(empty.path)] = "empty"
    web.add(
        "/rferl/api/feed.xml",
        rss(
            [
                (a1.title, u(a1.path), a1.published),
                (a2.title, u(a2.path) + "?utm_source=rss&utm_medium=feed#top", a2.published),
                (a3.title, u(a3.path), a3.published),
                ("Report (PDF)", u("/rferl/a/report-pdf/33000004.html"), fresh),
                (empty.title, u(empty.path), fresh),
            ]
        ),
        content_type=RSS_TYPE,
        headers={"ETag": '"rferl-1"'},
    )

    # DW: RDF feed, ?maca= tracking links, a live blog (denied) and a 500.
    d1 = Story(
        "/dw/en/china-fills-gaps/a-70000001",
        "US says China fills Russia's war gaps",
        [
            "China is helping the Kremlin by providing microelectronics and machine tools for Russia's missiles, "
            "US officials said on Friday.",
            *paragraphs("the microelectronics")[1:],
        ],
        fresh,
        ["Dana Weber"],
        flagged=True,
    )
    publish(d1, dw_page)
    web.add("/dw/en/broken-story/a-70000002", "<h1>Internal error</h1>", status=500)
    d3 = "/dw/en/live-updates/live-70000003"
    web.add(d3, "<html><body>live</body></html>")
    not_archived[u(d3)] = "denied"
    web.add(
        "/dw/rdf/rss-en-all",
        rdf(
            [
                (d1.title, u(d1.path) + "?maca=en-rss-en-all-1573-rdf", d1.published),
                ("Broken", u("/dw/en/broken-story/a-70000002") + "?maca=en-rss-en-all-1573-rdf", fresh),
                ("Live", u(d3), fresh),
            ]
        ),
        content_type="application/rdf+xml; charset=utf-8",
    )

    # Kyiv Independent: news sitemap behind an index; an AMP link; an off-site redirect.
    k1 = Story(
        "/ki/eu-sanctions-hong-kong-firms/",
        "EU sanctions Hong Kong firms",
        paragraphs("Hong Kong trading firms"),
        fresh,
        ["Oleh Bondar"],
    )
    k2 = Story(
        "/ki/satellite-images-shared/",
        "Satellite images shared with Moscow",
        paragraphs("satellite imagery"),
        fresh,
        ["Iryna Koval"],
    )
    publish(k1, ghost_page)
    publish(k2, ghost_page)
    web.add(k2.path + "amp/", ghost_page(k2, u(k2.path)))
    port = web.server.server_address[1]
    web.add("/ki/moved/", b"", status=301, headers={"Location": f"http://localhost:{port}/elsewhere/"})
    not_archived[u("/ki/moved/")] = "offsite"
    web.add(
        "/ki/news-sitemap.xml",
        news_sitemap(
            [
                (k1.title, u(k1.path), k1.published),
                (k2.title, u(k2.path) + "amp/", k2.published),
                ("Moved", u("/ki/moved/"), fresh),
            ]
        ),
        content_type=XML_TYPE,
    )
    web.add(
        "/ki/sitemap-archive-2019.xml",
        news_sitemap([("Ancient", u("/ki/ancient/"), old)]),
        content_type=XML_TYPE,
    )
    web.add(
        "/ki/sitemap-index.xml",
        sitemap_index(
            [
                (u("/ki/news-sitemap.xml"), fresh),
                (u("/ki/sitemap-archive-2019.xml"), old),
            ]
        ),
        content_type=XML_TYPE,
    )

    # Epoch Times: gzipped news sitemap (.xml.gz) and an Atom feed naming the same story.
    e1 = Story(
        "/et/world/beijing-denies-weapons-5800001",
        "Beijing denies sending weapons",
        paragraphs("the denial from Beijing"),
        fresh,
        ["Frank Lee"],
    )
    e2 = Story(
        "/et/world/export-controls-5800002",
        "New export controls announced",
        paragraphs("export controls on dual-use goods"),
        fresh,
        ["Frank Lee"],
    )
    publish(e1, epoch_page)
    publish(e2, epoch_page)
    web.add(
        "/et/sitemap/sitemap-news.xml.gz",
        gzip.compress(
            news_sitemap(
                [
                    (e1.title, u(e1.path), e1.published),
                    (e2.title, u(e2.path), e2.published),
                ]
            ).encode()
        ),
        content_type="application/x-gzip",
    )
    web.add(
        "/et/feed.atom",
        atom([(e1.title, u(e1.path) + "?utm_campaign=x", e1.published)]),
        content_type="application/atom+xml",
    )

    # Washington Examiner: a listing page with nav links and one robots-disallowed story.
    w1 = Story(
        "/we/policy/defense/4669001/china-russia-arms/",
        "China-Russia arms ties probed",
        paragraphs("arms transfers"),
        fresh,
        ["Sam Hill"],
    )
    w2 = Story(
        "/we/policy/defense/4669002/body-armor-shipments/",
        "Body armor shipments traced",
        paragraphs("body armor shipments"),
        fresh,
        ["Sam Hill"],
    )
    publish(w1, wordpress_page)
    publish(w2, wordpress_page)
    web.add("/private/we/policy/defense/4669003/secret/", wordpress_page(w1, u("/x")))
    not_archived[u("/private/we/policy/defense/4669003/secret/")] = "robots"
    web.add(
        "/we/policy/defense/",
        f"""<html><body>{NAV}<ul class="river">
<li><a href="{w1.path}">{escape(w1.title)}</a></li><li><a href="{w2.path}?utm_source=home">{escape(w2.title)}</a></li>
<li><a href="/private/we/policy/defense/4669003/secret/">Secret</a></li>
<li><a href="/we/newsletters/">Newsletters</a></li></ul></body></html>""",
    )

    # Broken sources: a 404 feed, HTML served as a feed, a truncated feed with one whole item,
    # and a page that answers too slowly.
    b1 = Story(
        "/broken/news/partial-feed-story",
        "Story from a truncated feed",
        paragraphs("a truncated feed"),
        fresh,
        ["Kim Park"],
    )
    publish(b1, pangea_page)
    truncated = rss([(b1.title, u(b1.path), fresh), ("Cut", u("/broken/news/cut"), fresh)])
    web.add("/broken/truncated.xml", truncated[: truncated.index("<title>Cut")], content_type=RSS_TYPE)
    web.add("/broken/html-feed", "<html><body><p>Our feeds have moved.</p></body></html>")
    web.add("/broken/news/slow", pangea_page(b1, u("/broken/news/slow")), delay=4.0)
    web.add("/broken/slow-feed.xml", rss([("Slow", u("/broken/news/slow"), fresh)]), content_type=RSS_TYPE)

    # Hostile bodies: over the size cap the test sets (200 kB), binary labelled text/html,
    # and a Russian page in windows-1251 that declares its charset only in a meta tag.
    huge = Story("/broken/news/huge-page", "Huge page", paragraphs("a huge page") * 400, fresh)
    web.add(huge.path, pangea_page(huge, u(huge.path)))
    not_archived[u(huge.path)] = "too_large"
    web.add("/broken/news/binary", bytes(range(256)) * 64, content_type="text/html")
    not_archived[u("/broken/news/binary")] = "not_html"
    ru = Story(
        "/broken/news/cp1251",
        "Китай и поставки дронов",
        [
            "Официальные лица в Брюсселе заявили во вторник, что новые данные о поставках "
            "компонентов для беспилотников из Китая переданы странам-членам.",
            "Министерство иностранных дел Китая отвергло эти обвинения и заявило, что торговля "
            "между двумя странами является законной и обычной.",
        ],
        fresh,
        ["Иван Петров"],
        lang="ru",
    )
    web.add(
        ru.path,
        pangea_page(ru, u(ru.path))
        .replace(
            '<meta charset="utf-8">',
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
        )
        .encode("cp1251"),
        content_type="text/html",
    )
    archived[u(ru.path)] = ru
    # A Chinese-language story (GB18030 is a superset of UTF-8's repertoire; served as UTF-8 here).
    zh = Story(
        "/broken/news/zh-drones",
        "中国公司向俄罗斯出口无人机零部件",
        [
            "美国官员表示，中国公司向俄罗斯军工企业提供无人机零部件和机床，支持其对乌克兰的战争。",
            "中国外交部否认这一说法，称中俄之间的贸易是正常的。",
            "分析人士指出，这些零部件经由第三国的中间商转运，难以追踪。",
            "欧盟外交官说，成员国将在下次外长会议上讨论对相关公司实施制裁的可能性，并要求北京作出解释。",
            "一名不愿透露姓名的官员说，这些无人机零部件包括发动机、导航模块和热成像摄像头，都可用于军事目的。",
            "报道援引海关数据称，过去一年中，此类货物的出口量增长了三倍，其中大部分经由香港和中亚国家转运。",
        ],
        fresh,
        ["李明"],
        lang="zh",
        flagged=True,
    )
    web.add(zh.path, pangea_page(zh, u(zh.path)))
    archived[u(zh.path)] = zh
    web.add(
        "/broken/more.xml",
        rss(
            [
                (huge.title, u(huge.path), fresh),
                ("Binary", u("/broken/news/binary"), fresh),
                (ru.title, u(ru.path), fresh),
                (zh.title, u(zh.path), fresh),
            ]
        ),
        content_type=RSS_TYPE,
    )

    toml = f"""
[outlets.rferl]
name = "RFE/RL"
homepage = "{u("/rferl/")}"
language = "en"
feeds = ["{u("/rferl/api/feed.xml")}"]
allow = ['/a/[^/]+/\\d+\\.html$']
interval = "10m"

[outlets.dw]
name = "DW"
homepage = "{u("/dw/en/")}"
language = "en"
feeds = ["{u("/dw/rdf/rss-en-all")}"]
allow = ['/a-\\d+$']
deny = ['/live-\\d+']

[outlets.kyivindependent]
name = "The Kyiv Independent"
homepage = "{u("/ki/")}"
news_sitemaps = ["{u("/ki/sitemap-index.xml")}"]

[outlets.epochtimes]
name = "The Epoch Times"
homepage = "{u("/et/")}"
feeds = ["{u("/et/feed.atom")}"]
news_sitemaps = ["{u("/et/sitemap/sitemap-news.xml.gz")}"]

[outlets.washingtonexaminer]
name = "Washington Examiner"
homepage = "{u("/we/")}"
listing_pages = ["{u("/we/policy/defense/")}"]
allow = ['/policy/defense/\\d+/[^/]+/$']

[outlets.broken]
name = "Broken Outlet"
homepage = "{u("/broken/")}"
feeds = ["{u("/broken/missing.xml")}", "{u("/broken/html-feed")}", "{u("/broken/truncated.xml")}",
         "{u("/broken/slow-feed.xml")}", "{u("/broken/more.xml")}"]
"""
    not_archived[u("/broken/news/slow")] = "timeout"
    return Sites(
        web, toml, archived, not_archived, transient=["/dw/en/broken-story/a-70000002", "/broken/news/slow"]
    )
