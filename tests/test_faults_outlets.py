"""The outlet fault suite: dozens of outlets that each misbehave in one way, one healthy outlet,
all crawled together by the real ``newswatch crawl`` (a subprocess) from loopback servers.

``CASES`` is the catalogue: per outlet, the fault it serves and the outcome its ``crawl_runs``
row must record — status, every counter (a counter not named must be 0) and what
``last_error`` says. ``SERVE`` holds how each fault is served. One crawl run covers them all,
so the run also proves that no fault stops the other outlets.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

import pytest
from fakeweb import FakeWeb
from helpers import crawl_env, rows, run_newswatch
from outlet_sites import Story, news_sitemap, pangea_page, sitemap_index

from newswatch.archive import RUN_COUNTERS
from newswatch.discovery import maybe_gunzip

DOWNLOAD_TIMEOUT = 4  # seconds (NEWSWATCH_DOWNLOAD_TIMEOUT); parsing the 10,000-item feed blocks the
# reactor for 2-3 s, and a shorter timeout lets that stall time out requests of other cases
MAX_BYTES = 2_000_000  # DOWNLOAD_MAXSIZE for the run (the 10,000-item feed is 1.2 MB)
CAP = 300  # NEWSWATCH_MAX_ARTICLES_PER_RUN (the default)
BIG_FEED = 10_000  # items in the oversized feed


@dataclass(frozen=True)
class Case:
    outlet: str  # outlet key; its pages live under /<outlet>/
    status: str  # crawl_runs.status: ok / partial / failed
    counts: str  # "name=value ..." for crawl_runs counters; every counter not named is 0
    error: str | None  # a regex last_error must match (None: last_error stays empty)
    fault: str  # what the outlet does wrong
    text: str | None = None  # a sentence the outlet's archived article must hold
    title: str | None = None  # the archived title (when it can only come from the feed)

    def expected(self) -> dict[str, int]:
        named = dict(pair.split("=") for pair in self.counts.split())
        unknown = set(named) - set(RUN_COUNTERS)
        assert not unknown, (self.outlet, unknown)
        return {name: int(named.get(name, 0)) for name in RUN_COUNTERS}


RU = {  # one Russian text per cp1251 case (distinct, so no two are grouped as copies)
    "header": [
        "Городской музей в Самаре открыл после реконструкции новый зал, посвящённый истории речного судоходства на Волге.",
        "Посетители увидят модели пароходов, старинные карты и подлинные судовые колокола, собранные за сто лет.",
        "Директор музея рассказал, что экспозицию готовили почти три года вместе с краеведами и архивистами области.",
    ],
    "meta": [
        "Синоптики предупредили жителей Новосибирска о сильных снегопадах, которые продлятся до конца недели.",
        "Коммунальные службы перевели снегоуборочную технику на круглосуточный режим работы и усилили дежурства.",
        "Водителей просят без необходимости не выезжать на загородные трассы и следить за сообщениями о пробках.",
    ],
    "none": [
        "В Казани завершился международный шахматный турнир, в котором участвовали гроссмейстеры из двенадцати стран.",
        "Победителем стал молодой шахматист из Екатеринбурга, набравший восемь очков из девяти возможных партий.",
        "Организаторы пообещали провести следующий турнир весной и пригласить ещё больше юных участников.",
    ],
}
ZH = {  # GB18030 pages
    "header": [
        "杭州西湖边的图书馆本周重新开放，馆内新增了一个面向儿童的阅读区和一间安静的自习室。",
        "馆长介绍说，改造工程历时十个月，修复了老建筑的木质书架，并更换了全部照明设备。",
        "市民可以凭身份证免费办理借书证，周末还将举办传统书法和篆刻的公益讲座。",
        "附近的居民表示，新的开放时间延长到晚上九点，下班以后也能来这里安静地看书。",
        "图书馆还与附近的三所小学合作，每个月为学生们安排一次集体参观和故事会活动。",
        "一位退休教师自愿担任讲解员，向年轻读者介绍这座建筑一百多年来的变化。",
        "管理人员说，下一步计划把馆藏的地方志和老照片数字化，方便大家在网上查阅。",
        "开放首日，不少读者一大早就在门口排队，希望第一时间看到修缮后的阅览大厅。",
    ],
    "meta": [
        "云南普洱的茶农正在忙着采摘今年的春茶，山坡上到处都是背着竹篓的采茶人。",
        "当地合作社负责人说，今年雨水充足，茶叶的品质比去年更好，收购价格也略有上涨。",
        "为了吸引游客，村里修建了新的步道和观景台，游客可以亲手体验炒茶和制茶的过程。",
        "一些年轻人从城市返回家乡，开设网店，把自家的茶叶直接卖给全国各地的顾客。",
        "合作社今年还引进了新的加工设备，让茶叶的烘干和包装更加卫生、高效。",
        "一位在村里种了三十年茶的老人说，现在的日子比以前好多了，孩子们也愿意留下来。",
        "县里的农业技术人员定期上山，教茶农如何防治病虫害，减少农药的使用。",
        "到了周末，山下的小镇上会举办茶叶集市，来自各地的买家在这里品茶、砍价。",
    ],
    "none": [
        "哈尔滨的冰雪大世界今年提前开园，工人们用从松花江采来的冰块建造了上百座冰雕。",
        "最高的一座冰塔超过四十米，夜晚在彩色灯光的照射下，吸引了大量游客拍照留念。",
        "景区管理人员提醒游客注意保暖，园内设置了多个暖房，提供热饮和简单的食物。",
        "据统计，开园第一周接待的游客人数已经超过十万人次，其中不少来自南方城市。",
        "今年的冰雕作品以童话故事为主题，很多家长带着孩子专门来寻找自己熟悉的角色。",
        "一位参与建设的老工匠说，他已经连续二十年参加冰雪大世界的施工，每年都有新挑战。",
        "为了保证安全，工作人员每天早晚都会检查冰滑梯和冰墙的结构，发现问题及时修补。",
        "气象部门预计，今年的低温天气将持续到二月底，游客可以一直欣赏到完整的冰雕。",
    ],
}
JA = {  # Shift-JIS pages
    "header": [
        "京都の老舗和菓子店が創業三百年を迎え、記念の新しいお菓子を期間限定で販売すると発表しました。",
        "店主によると、新作は地元産の栗と抹茶を使い、職人が一つずつ手作業で仕上げているということです。",
        "店の前には朝早くから行列ができ、観光客だけでなく近所の常連客も買い求めていました。",
        "売り上げの一部は、市内の伝統工芸を守る活動に寄付される予定だということです。",
        "この店では、季節ごとに異なる和菓子を作っており、春には桜、秋には紅葉をかたどった品が人気です。",
        "若い職人の育成にも力を入れていて、今年は三人の新人が修業を始めたということです。",
        "記念の菓子は来月末までの販売で、一日に作れる数が限られているため、予約も受け付けています。",
        "市の観光協会は、老舗の節目を祝うスタンプラリーを企画し、周辺の商店街とも協力しています。",
    ],
    "meta": [
        "北海道の小さな町で、廃校になった小学校を宿泊施設として再利用する取り組みが始まりました。",
        "教室は客室に、体育館は地元の農産物を売る市場に生まれ変わり、週末には多くの家族連れが訪れています。",
        "町の担当者は、子どもたちの思い出が詰まった建物を残しながら、地域に人を呼び込みたいと話しています。",
        "今年の夏には、星空を観察するイベントや地元の料理教室も開かれる予定です。",
        "宿泊施設の運営は地元の若者たちが中心となって担い、料理には町でとれた野菜や魚が使われています。",
        "かつての卒業生が泊まりに来ることも多く、黒板に懐かしいメッセージを書き残していくそうです。",
        "町では空き家を活用した移住者向けの住宅づくりも進めていて、都会からの問い合わせが増えています。",
        "担当者は、廃校の活用が町全体を元気にするきっかけになればうれしいと話していました。",
    ],
    "none": [
        "沖縄の海で、サンゴ礁を守るためのボランティア活動に参加する若者が増えています。",
        "参加者は潜水して海底のごみを拾い、弱ったサンゴの周りに新しい苗を植える作業を手伝っています。",
        "活動を続けている団体の代表は、海の環境を自分の目で見ることが何より大切だと話していました。",
        "団体では来月、初心者向けの説明会を那覇市内で開く予定だということです。",
        "近年は海水温の上昇によってサンゴの白化が進み、各地で保護の取り組みが急がれています。",
        "大学の研究者も活動に協力し、植えたサンゴの成長の様子を毎月記録して分析しているということです。",
        "地元の小学校では、子どもたちが海の生き物について学ぶ授業も始まり、関心が高まっています。",
        "参加したある大学生は、きれいな海を次の世代に残したいという思いで続けていると話しました。",
    ],
}
RU_TITLE = "Заголовок новости из ленты в кодировке Windows-1251"  # feed title, cp1251 bytes
LATIN_TITLE = "Café Élysée : la réunion des ministres à Genève"  # feed title, latin-1 bytes
BOM_TITLE = "Zürich — Kyiv: a feed with a byte-order mark"
UTF16_TITLE = "Übersicht: Züge nach Kyjiw und Łódź"
STRAY_TITLE = "Київ — Берлін: “розклад” потягів"


# --- the catalogue ---------------------------------------------------------------------------

# fmt: off
CASES = [
    #    outlet                        status     counters (every one not named must be 0)                                      last_error must match                              the fault
    # sources: feeds
    Case("feed_truncated",             "partial", "discovered=1 fetched=1 new=1 source_errors=1",                               r"feed .*: read in part",                          "RSS cut off mid-item (one whole item before the cut)"),
    Case("feed_invalid_xml",           "partial", "discovered=1 fetched=1 new=1 source_errors=1",                               r"feed .*: read in part",                          "RSS that is not well-formed XML (bare &, mismatched end tags)"),
    Case("feed_says_utf8_is_cp1251",   "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "feed declares utf-8, its bytes are windows-1251", title=RU_TITLE),
    Case("feed_says_utf8_is_latin1",   "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "feed declares utf-8, its bytes are latin-1", title=LATIN_TITLE),
    Case("feed_utf8_stray_byte",       "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "UTF-8 feed with one invalid byte (not the title's)", title=STRAY_TITLE),
    Case("feed_is_html",               "failed",  "errors=1 source_errors=1",                                                   r"feed .*: not a feed",                            "an HTML page served as the feed"),
    Case("feed_utf8_bom",              "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "UTF-8 byte-order mark before the XML declaration", title=BOM_TITLE),
    Case("feed_utf16_bom",             "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "UTF-16 feed with a byte-order mark", title=UTF16_TITLE),
    Case("feed_empty",                 "failed",  "errors=1 source_errors=1",                                                   r"feed .*: not a feed",                            "feed answers 200 with an empty body"),
    Case("feed_404",                   "failed",  "errors=1 source_errors=1",                                                   r"feed .*: HTTP 404",                              "feed answers 404"),
    Case("feed_slow",                  "failed",  "errors=1 source_errors=1",                                                   r"feed .*took longer than",                        "feed starts answering after the download timeout"),
    Case("feed_control_chars",         "partial", "discovered=1 fetched=1 new=1 source_errors=1",                               r"feed .*: read in part",                          "control characters (\\x01, \\x0b, \\x1f) inside feed XML"),
    Case("feed_javascript_link",       "ok",      "discovered=2 filtered=1 fetched=1 new=1",                                    None,                                              "an item linking javascript:…, next to a good item"),
    Case("feed_mailto_link",           "ok",      "discovered=2 filtered=1 fetched=1 new=1",                                    None,                                              "an item linking mailto:…, next to a good item"),
    Case("feed_relative_link",         "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "an item with a relative link"),
    Case("feed_10000_items",           "ok",      f"discovered={BIG_FEED} deferred={BIG_FEED - CAP} fetched={CAP} empty={CAP}", None,                                              f"{BIG_FEED} items: the per-run cap holds"),
    Case("feed_huge_title",            "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "an item whose title is 100 KB"),
    # sources: sitemaps and listings
    Case("sitemap_gzip",               "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "news sitemap served as .xml.gz"),
    Case("sitemap_gzip_corrupt",       "failed",  "errors=1 source_errors=1",                                                   r"news_sitemap .*: bad gzip data",                 ".xml.gz whose gzip data is corrupt"),
    Case("sitemap_gzip_truncated",     "partial", "discovered=1 fetched=1 new=1 source_errors=1",                               r"news_sitemap .*: read in part",                  ".xml.gz cut off halfway"),
    Case("sitemap_index_404_child",    "partial", "discovered=1 fetched=1 new=1 errors=1 source_errors=1",                      r"news_sitemap .*child-missing.xml: HTTP 404",     "sitemap index with a child that answers 404"),
    Case("sitemap_index_loop",         "partial", "discovered=1 fetched=1 new=1 source_errors=1",                               r"news_sitemap .*sitemap index loop",              "sitemap index that lists itself"),
    Case("sitemap_is_html",            "failed",  "errors=1 source_errors=1",                                                   r"news_sitemap .*: not a sitemap",                 "an HTML page served as the sitemap"),
    Case("listing_no_matches",         "ok",      "discovered=4 filtered=4",                                                    None,                                              "listing page with no link the allow rule takes"),
    # article pages: bodies
    Case("page_too_large",             "partial", "discovered=1 errors=1",                                                      r"article .*larger than download max size",        "article larger than the size cap (Content-Length says so)"),
    Case("page_too_large_unannounced", "partial", "discovered=1 errors=1",                                                      r"article .*body grew past the size cap",          "article larger than the size cap, no Content-Length"),
    Case("page_binary_as_html",        "ok",      "discovered=1 fetched=1 not_html=1",                                          None,                                              "binary body labelled text/html"),
    Case("page_pdf",                   "ok",      "discovered=1 fetched=1 not_html=1",                                          None,                                              "a PDF where an article was expected"),
    Case("page_plain_text",            "ok",      "discovered=1 fetched=1 not_html=1",                                          None,                                              "text/plain where an article was expected"),
    Case("page_empty_body",            "ok",      "discovered=1 fetched=1 empty=1",                                             None,                                              "article answers 200 with an empty body"),
    Case("page_empty_article",         "ok",      "discovered=1 fetched=1 empty=1",                                             None,                                              "article page with navigation but no text"),
    # article pages: encodings (the archived text must read right, not as mojibake)
    Case("page_cp1251_header",         "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "Russian page in windows-1251, charset in Content-Type only", text=RU["header"][1]),
    Case("page_cp1251_meta",           "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "Russian page in windows-1251, charset in <meta> only", text=RU["meta"][1]),
    Case("page_cp1251_undeclared",     "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "Russian page in windows-1251, charset declared nowhere", text=RU["none"][1]),
    Case("page_gb18030_header",        "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "Chinese page in GB18030, charset in Content-Type only", text=ZH["header"][1]),
    Case("page_gb18030_meta",          "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "Chinese page in GB18030, charset in <meta> only", text=ZH["meta"][1]),
    Case("page_gb18030_undeclared",    "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "Chinese page in GB18030, charset declared nowhere", text=ZH["none"][1]),
    Case("page_sjis_header",           "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "Japanese page in Shift-JIS, charset in Content-Type only", text=JA["header"][1]),
    Case("page_sjis_meta",             "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "Japanese page in Shift-JIS, charset in <meta> only", text=JA["meta"][1]),
    Case("page_sjis_undeclared",       "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "Japanese page in Shift-JIS, charset declared nowhere", text=JA["none"][1]),
    # article pages: redirects
    Case("redirect_loop",              "partial", "discovered=1 errors=1",                                                      r"article .*max redirections",                     "article redirects A → B → A"),
    Case("redirect_chain_long",        "partial", "discovered=1 errors=1",                                                      r"article .*max redirections",                     "8 redirects, more than the limit (5)"),
    Case("redirect_offsite",           "ok",      "discovered=1 offsite=1",                                                     r"article redirected off-site",                    "article redirects to another host"),
    Case("redirect_no_location",       "partial", "discovered=1 errors=1",                                                      r"article .*HTTP 302",                             "302 without a Location header"),
    # article pages: delivery and status
    Case("page_trickle",               "partial", "discovered=1 errors=1",                                                      r"article .*took longer than",                     "body dribbles out past the download timeout"),
    Case("page_connection_drop",       "partial", "discovered=1 errors=1",                                                      r"article .*closed before the whole body arrived", "server closes the connection mid-body"),
    Case("page_404",                   "partial", "discovered=1 errors=1",                                                      r"article .*HTTP 404",                             "article answers 404"),
    Case("page_410",                   "partial", "discovered=1 errors=1",                                                      r"article .*HTTP 410",                             "article answers 410"),
    Case("page_500",                   "partial", "discovered=1 errors=1",                                                      r"article .*HTTP 500",                             "article answers 500"),
    Case("page_503_retry_after",       "partial", "discovered=1 errors=1",                                                      r"article .*HTTP 503",                             "503 with Retry-After: 3600 (must not stall the run)"),
    Case("page_403",                   "partial", "discovered=1 blocked=1 errors=1",                                            r"article .*HTTP 403",                             "article answers 403"),
    Case("page_429",                   "partial", "discovered=1 blocked=1 errors=1",                                            r"article .*HTTP 429",                             "429 with Retry-After: 3600 (must not stall the run)"),
    # hosts and robots.txt
    Case("robots_disallow",            "partial", "discovered=1 blocked=1 errors=1",                                            r"article .*robots\.txt",                          "robots.txt disallows the article"),
    Case("robots_500",                 "partial", "discovered=1 blocked=1 errors=1",                                            r"article .*robots\.txt",                          "the article's host answers 500 for robots.txt: RFC 9309 says stay out until it can be read"),
    Case("dns_failure",                "partial", "discovered=1 errors=1",                                                      r"article .*DNS lookup failed",                    "article on a host name that does not resolve"),
    Case("connection_refused",         "partial", "discovered=1 errors=1",                                                      r"article .*Connection was refused",               "article on a closed port"),
    # URLs: malformed, hostile, out of scope
    Case("allow_redos",                "ok",      "discovered=2 filtered=1 fetched=1 new=1",                                    None,                                              "allow pattern with nested quantifiers; an item with a 40-char slug and a '!' (catastrophic backtracking under re)"),
    Case("feed_ipv6_links",            "ok",      "discovered=3 filtered=2 fetched=1 new=1",                                    None,                                              "items linking an IPv6 literal (http://[::1]/a) and a malformed URL (port 99999), next to a good item"),
    Case("sitemap_ipv6_link",          "ok",      "discovered=2 filtered=1 fetched=1 new=1",                                    None,                                              "news sitemap with an IPv6-literal <loc>"),
    Case("listing_ipv6_links",         "ok",      "discovered=3 filtered=2 fetched=1 new=1",                                    None,                                              "listing page with an IPv6-literal link and a malformed one"),
    Case("canonical_ipv6",             "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "article whose rel=canonical is an IPv6 literal"),
    Case("canonical_malformed",        "ok",      "discovered=1 fetched=1 new=1",                                               None,                                              "article whose rel=canonical is a malformed URL (http://[::1/a)"),
    Case("feed_userinfo_link",         "ok",      "discovered=2 filtered=1 fetched=1 new=1",                                    None,                                              "an item linking http://user@host/…, next to a good item"),
    Case("item_other_port",            "ok",      "discovered=2 offsite=1 fetched=1 new=1",                                     r"article refused \(port \d+ of 127\.0\.0\.1 is not the outlet's\)", "an item on another port of the outlet's host (another service there)"),
    Case("item_internal_address",      "ok",      "discovered=1 offsite=1",                                                     r"article refused \(127\.0\.0\.1 is an internal address", "an item on a loopback address, the outlet's homepage is not on one"),
    Case("redirect_internal_address",  "failed",  "offsite=1",                                                                  r"feed redirected off-site \(127\.0\.0\.1 is an internal address", "the feed redirects to a loopback address, the outlet's homepage is not on one"),
    Case("redirect_other_port",        "ok",      "discovered=1 offsite=1",                                                     r"article redirected off-site \(port \d+ of 127\.0\.0\.1 is not the outlet's\)", "article redirects to another port of the outlet's host"),
    Case("redirect_file",              "ok",      "discovered=1 offsite=1",                                                     r"article redirected off-site \(redirect to a file: URL refused", "article redirects to file:///etc/passwd"),
    Case("redirect_data",              "ok",      "discovered=1 offsite=1",                                                     r"article redirected off-site \(redirect to a data: URL refused", "article redirects to a data: URL"),
    Case("redirect_userinfo",          "ok",      "discovered=1 offsite=1",                                                     r"article redirected off-site \(redirect refused: a user name or password", "article redirects to http://user@host/…"),
    Case("redirect_malformed",         "ok",      "discovered=1 offsite=1",                                                     r"article redirected off-site \(redirect to an unreadable URL refused", "302 to a Location that is no URL (http://[::1)"),
    # the control: must come through whatever the others do
    Case("healthy",                    "ok",      "discovered=2 fetched=2 new=2",                                               None,                                              "nothing wrong"),
]
# fmt: on


# --- serving each fault ----------------------------------------------------------------------

SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "re",
    "su",
    "ta",
    "ne",
    "vo",
    "ri",
    "da",
    "pe",
    "lu",
    "gor",
    "ban",
    "tel",
    "mas",
    "kri",
    "dov",
    "sen",
    "pol",
    "har",
    "vin",
    "jes",
    "ul",
    "om",
)


def prose(seed: str, n: int = 6) -> list[str]:
    """Paragraphs of made-up words drawn from a vocabulary of this seed's own, so no two
    cases' articles share words and none is grouped with another as the same story."""
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(60)]
    out = []
    for _ in range(n):
        sentences = []
        for _ in range(2):
            words = [rng.choice(vocabulary) for _ in range(rng.randint(12, 18))]
            sentences.append(" ".join(words).capitalize() + ".")
        out.append(" ".join(sentences))
    return out


def bare_page(paragraphs: list[str], lang: str = "en") -> str:
    """An article page with no title of its own (no <title>, <h1>, ld+json or og:): the
    archived title can only be the feed's."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"></head><body><article>{body}</article></body></html>'


def rss_items(items: list[tuple[str, str]], when: datetime) -> str:
    return "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link><guid>{escape(u)}</guid>"
        f"<pubDate>{format_datetime(when - timedelta(minutes=i))}</pubDate></item>"
        for i, (t, u) in enumerate(items)
    )


def rss_doc(items: str, encoding: str = "UTF-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>Feed</title>'
        f"<link>http://example.org/</link><description>d</description>{items}</channel></rss>"
    )


RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"


class Lab:
    """The loopback web of the suite: a main server (robots.txt shared by most outlets), a
    second one whose robots.txt answers 500, and a third one: another service on the same
    host, which no outlet may reach."""

    def __init__(self, web: FakeWeb, alt: FakeWeb, other: FakeWeb, now: datetime) -> None:
        self.web, self.alt, self.other, self.now = web, alt, other, now
        self.fresh = now - timedelta(hours=2)
        self.tables: dict[str, dict[str, Any]] = {}
        self.archived: dict[str, list[str]] = {}  # outlet → article URLs that must be archived
        self.titles: dict[str, str] = {}  # article URL → its page's title

    def story(
        self, key: str, name: str = "a", paragraphs: list[str] | None = None, lang: str = "en"
    ) -> Story:
        title = " ".join(prose(f"{key}/{name}/title", 1)[0].split()[:7]).rstrip(".")
        return Story(f"/{key}/news/{name}", title, paragraphs or prose(key + name), self.fresh, lang=lang)

    def article(self, key: str, name: str = "a", web: FakeWeb | None = None, archived: bool = True) -> str:
        """A healthy article page of outlet ``key``; its URL."""
        web = web or self.web
        story = self.story(key, name)
        url = web.url(story.path)
        web.add(story.path, pangea_page(story, url))
        self.titles[url] = story.title
        if archived:
            self.archived.setdefault(key, []).append(url)
        return url

    def feed(self, key: str, links: list[str], web: FakeWeb | None = None, **route: Any) -> str:
        web = web or self.web
        items = [(f"Item {i} of {key}", link) for i, link in enumerate(links)]
        return web.add(f"/{key}/feed.xml", rss_doc(rss_items(items, self.fresh)), content_type=RSS, **route)

    def outlet(
        self, key: str, *, web: FakeWeb | None = None, homepage: str | None = None, **sources: Any
    ) -> None:
        self.tables[key] = {"homepage": homepage or (web or self.web).url(f"/{key}/"), **sources}

    def page_outlet(self, key: str, body: bytes | str, **route: Any) -> str:
        """An outlet whose healthy feed names one article page served as ``body``."""
        path = f"/{key}/news/x"
        url = self.web.add(path, body, **route)
        self.outlet(key, feeds=[self.feed(key, [url])])
        return url

    def toml(self) -> str:
        out = []
        for key, table in self.tables.items():
            out.append(f'[outlets.{key}]\nname = "{key}"')
            out.extend(f"{name} = {json.dumps(value)}" for name, value in table.items())
            out.append("")
        return "\n".join(out)


SERVE: dict[str, Callable[[Lab, str], None]] = {}


def serves(*keys: str) -> Callable[[Callable[[Lab, str], None]], Callable[[Lab, str], None]]:
    def register(fn: Callable[[Lab, str], None]) -> Callable[[Lab, str], None]:
        for key in keys:
            SERVE[key] = fn
        return fn

    return register


@serves("healthy")
def _healthy(lab: Lab, key: str) -> None:
    lab.outlet(key, feeds=[lab.feed(key, [lab.article(key, "a"), lab.article(key, "b")])])


@serves("feed_truncated")
def _feed_truncated(lab: Lab, key: str) -> None:
    whole, cut = lab.article(key, "a"), lab.web.url(f"/{key}/news/cut")
    text = rss_doc(rss_items([("Whole", whole), ("Cut off", cut)], lab.fresh))
    url = lab.web.add(f"/{key}/feed.xml", text[: text.index("<title>Cut") + 12], content_type=RSS)
    lab.outlet(key, feeds=[url])


@serves("feed_invalid_xml")
def _feed_invalid_xml(lab: Lab, key: str) -> None:
    link = lab.article(key)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Fish & Chips</title>'
        f"<item><title>Tom & Jerry <b>bold</title></b><link>{link}</link>"
        f"<pubDate>{format_datetime(lab.fresh)}</pubDate></item></channel></rsss>"
    )
    lab.outlet(key, feeds=[lab.web.add(f"/{key}/feed.xml", body, content_type=RSS)])


@serves(
    "feed_says_utf8_is_cp1251",
    "feed_says_utf8_is_latin1",
    "feed_utf8_stray_byte",
    "feed_utf8_bom",
    "feed_utf16_bom",
)
def _feed_encodings(lab: Lab, key: str) -> None:
    title, declared, codec, prefix, content_type = {
        "feed_says_utf8_is_cp1251": (RU_TITLE, "UTF-8", "cp1251", b"", RSS),
        "feed_says_utf8_is_latin1": (LATIN_TITLE, "UTF-8", "latin-1", b"", RSS),
        "feed_utf8_stray_byte": (STRAY_TITLE, "UTF-8", "utf-8", b"", RSS),
        "feed_utf8_bom": (BOM_TITLE, "UTF-8", "utf-8", b"\xef\xbb\xbf", RSS),
        "feed_utf16_bom": (UTF16_TITLE, "UTF-16", "utf-16", b"", "application/rss+xml"),
    }[key]
    path = f"/{key}/news/a"
    url = lab.web.add(path, bare_page(prose(key)))
    lab.archived[key] = [url]
    body = prefix + rss_doc(rss_items([(title, url)], lab.fresh), declared).encode(codec)
    if key == "feed_utf8_stray_byte":
        body = body.replace(b"<description>d<", b"<description>d\xff<")
    lab.outlet(key, feeds=[lab.web.add(f"/{key}/feed.xml", body, content_type=content_type)])


@serves("feed_is_html", "feed_empty", "feed_404", "feed_slow")
def _feed_unusable(lab: Lab, key: str) -> None:
    link = lab.article(key, archived=False)
    path = f"/{key}/feed.xml"
    if key == "feed_is_html":
        url = lab.web.add(
            path, "<html><body><h1>Our feeds have moved</h1><p>See the homepage.</p></body></html>"
        )
    elif key == "feed_empty":
        url = lab.web.add(path, b"", content_type=RSS)
    elif key == "feed_404":
        url = lab.web.url(path)  # not served: the loopback web answers 404
    else:
        url = lab.feed(key, [link], delay=DOWNLOAD_TIMEOUT * 5)  # far past it, even on a busy machine
    lab.outlet(key, feeds=[url])


@serves("feed_control_chars")
def _feed_control_chars(lab: Lab, key: str) -> None:
    link = lab.article(key)
    body = rss_doc(rss_items([("Bell\x07 and\x01 tab\x0b and\x1f unit", link)], lab.fresh))
    lab.outlet(key, feeds=[lab.web.add(f"/{key}/feed.xml", body, content_type=RSS)])


@serves("feed_javascript_link", "feed_mailto_link")
def _feed_bad_scheme(lab: Lab, key: str) -> None:
    bad = "javascript:alert(document.cookie)" if "javascript" in key else "mailto:desk@example.org"
    items = rss_items([("Not an article", bad), ("An article", lab.article(key))], lab.fresh)
    lab.outlet(key, feeds=[lab.web.add(f"/{key}/feed.xml", rss_doc(items), content_type=RSS)])


@serves("feed_relative_link")
def _feed_relative_link(lab: Lab, key: str) -> None:
    lab.article(key)
    items = rss_items([("Relative", f"/{key}/news/a")], lab.fresh)
    lab.outlet(key, feeds=[lab.web.add(f"/{key}/rss/feed.xml", rss_doc(items), content_type=RSS)])


@serves("feed_10000_items")
def _feed_10000_items(lab: Lab, key: str) -> None:
    stub = b"<html><body><p>Photo.</p></body></html>"
    items = []
    for i in range(BIG_FEED):
        path = f"/{key}/n/{i}"
        lab.web.add(path, stub)
        items.append(
            f"<item><link>{lab.web.url(path)}</link><pubDate>"
            f"{format_datetime(lab.fresh - timedelta(seconds=i))}</pubDate></item>"
        )
    # served a second late, so its parse (which holds the crawl for 2-3 s) comes after the quick cases
    feed = lab.web.add(f"/{key}/feed.xml", rss_doc("".join(items)), content_type=RSS, delay=1.0)
    lab.outlet(key, feeds=[feed])


@serves("feed_huge_title")
def _feed_huge_title(lab: Lab, key: str) -> None:
    items = rss_items([("Endless headline " * 6000, lab.article(key))], lab.fresh)
    lab.outlet(key, feeds=[lab.web.add(f"/{key}/feed.xml", rss_doc(items), content_type=RSS)])


def _news_sitemap(lab: Lab, links: list[str]) -> bytes:
    return news_sitemap([(f"Item {i}", link, lab.fresh) for i, link in enumerate(links)]).encode()


@serves("sitemap_gzip", "sitemap_gzip_corrupt", "sitemap_gzip_truncated")
def _sitemap_gzip(lab: Lab, key: str) -> None:
    if key == "sitemap_gzip":
        body = gzip.compress(_news_sitemap(lab, [lab.article(key)]))
    elif key == "sitemap_gzip_corrupt":
        lab.article(key, archived=False)
        body = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(7, 250)) * 4
    else:  # the first entry whole, the second (with a long title) cut off with the stream
        first, second = lab.article(key), lab.web.url(f"/{key}/news/cut")
        xml = news_sitemap([("First", first, lab.fresh), (" ".join(prose(key, 20)), second, lab.fresh)])
        whole = gzip.compress(xml.encode())
        body = whole[: len(whole) * 2 // 3]
        assert maybe_gunzip(body).count(b"</url>") == 1  # the cut falls inside the second entry
    url = lab.web.add(f"/{key}/sitemap-news.xml.gz", body, content_type="application/x-gzip")
    lab.outlet(key, news_sitemaps=[url])


@serves("sitemap_index_404_child", "sitemap_index_loop")
def _sitemap_index(lab: Lab, key: str) -> None:
    child = lab.web.add(f"/{key}/child-news.xml", _news_sitemap(lab, [lab.article(key)]), content_type=XML)
    index = lab.web.url(f"/{key}/sitemap-index.xml")
    other = lab.web.url(f"/{key}/child-missing.xml") if key.endswith("404_child") else index
    lab.web.add(
        f"/{key}/sitemap-index.xml", sitemap_index([(other, lab.fresh), (child, lab.fresh)]), content_type=XML
    )
    lab.outlet(key, news_sitemaps=[index])


@serves("sitemap_is_html")
def _sitemap_is_html(lab: Lab, key: str) -> None:
    url = lab.web.add(f"/{key}/sitemap.xml", "<html><body><p>Sitemap</p><a href='/x'>x</a></body></html>")
    lab.outlet(key, news_sitemaps=[url])


@serves("listing_no_matches")
def _listing_no_matches(lab: Lab, key: str) -> None:
    links = "".join(
        f'<li><a href="/{key}/{p}/">{p}</a></li>' for p in ("about", "contact", "topics", "newsletters")
    )
    url = lab.web.add(f"/{key}/latest/", f"<html><body><nav><ul>{links}</ul></nav></body></html>")
    lab.outlet(key, listing_pages=[url], allow=[r"/news/\d+/$"])


@serves("page_too_large", "page_too_large_unannounced")
def _page_too_large(lab: Lab, key: str) -> None:
    story = lab.story(key, "x", prose(key, 10) * 1000)
    page = pangea_page(story, lab.web.url(f"/{key}/news/x"))
    assert len(page.encode()) > MAX_BYTES
    lab.page_outlet(key, page, close_delimited=key.endswith("unannounced"))


@serves("page_binary_as_html", "page_pdf", "page_plain_text", "page_empty_body", "page_empty_article")
def _page_bodies(lab: Lab, key: str) -> None:
    body, content_type = {
        "page_binary_as_html": (bytes(range(256)) * 32, "text/html"),
        "page_pdf": (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "application/pdf",
        ),
        "page_plain_text": (("\n".join(prose(key))).encode(), "text/plain; charset=utf-8"),
        "page_empty_body": (b"", "text/html; charset=utf-8"),
        "page_empty_article": (
            b"<html><head><title>Gallery</title></head><body><nav><a href='/'>Home</a></nav>"
            b"<main><h1>Gallery</h1><p>Photos.</p></main></body></html>",
            "text/html; charset=utf-8",
        ),
    }[key]
    lab.page_outlet(key, body, content_type=content_type)


@serves(
    *(
        f"page_{enc}_{how}"
        for enc in ("cp1251", "gb18030", "sjis")
        for how in ("header", "meta", "undeclared")
    )
)
def _page_encodings(lab: Lab, key: str) -> None:
    _, enc, how = key.split("_")
    texts, lang, codec, label = {
        "cp1251": (RU, "ru", "cp1251", "windows-1251"),
        "gb18030": (ZH, "zh", "gb18030", "gb18030"),
        "sjis": (JA, "ja", "shift_jis", "Shift_JIS"),
    }[enc]
    paragraphs = texts["none" if how == "undeclared" else how]
    path = f"/{key}/news/a"
    story = Story(path, paragraphs[0][:24], paragraphs, lab.fresh, lang=lang)
    url = lab.web.url(path)
    page = pangea_page(story, url)
    meta = f'<meta charset="{label}">' if how == "meta" else ""
    page = page.replace('<meta charset="utf-8">', meta)
    content_type = f"text/html; charset={label}" if how == "header" else "text/html"
    lab.web.add(path, page.encode(codec), content_type=content_type)
    lab.archived[key] = [url]
    lab.outlet(key, feeds=[lab.feed(key, [url])])


@serves("redirect_loop", "redirect_chain_long", "redirect_offsite", "redirect_no_location")
def _redirects(lab: Lab, key: str) -> None:
    web, port = lab.web, lab.web.server.server_address[1]
    first = f"/{key}/news/x"
    if key == "redirect_loop":
        web.add(first, b"", status=302, headers={"Location": f"/{key}/news/y"})
        web.add(f"/{key}/news/y", b"", status=302, headers={"Location": first})
    elif key == "redirect_chain_long":
        for hop in range(8):
            path = first if hop == 0 else f"/{key}/news/hop{hop}"
            web.add(path, b"", status=301, headers={"Location": f"/{key}/news/hop{hop + 1}"})
        lab.article(key, "hop8", archived=False)
    elif key == "redirect_offsite":
        web.add(first, b"", status=301, headers={"Location": f"http://localhost:{port}/{key}/news/a"})
        lab.article(key, archived=False)
    else:
        web.add(first, b"", status=302)
    lab.outlet(key, feeds=[lab.feed(key, [web.url(first)])])


@serves("page_trickle", "page_connection_drop")
def _page_delivery(lab: Lab, key: str) -> None:
    story = lab.story(key, "x")
    page = pangea_page(story, lab.web.url(f"/{key}/news/x"))
    if key == "page_trickle":  # 30 chunks 0.4 s apart: 12 s to deliver, against a 2 s timeout
        lab.page_outlet(key, page, trickle=0.4, chunk_size=len(page) // 30 + 1)
    else:
        lab.page_outlet(key, page, cut_after=len(page) // 3)


@serves("page_404", "page_410", "page_500", "page_503_retry_after", "page_403", "page_429")
def _page_statuses(lab: Lab, key: str) -> None:
    status = int(key.split("_")[1])
    headers = {"Retry-After": "3600"} if key.endswith("retry_after") or status == 429 else {}
    lab.page_outlet(key, f"<html><body><h1>Error {status}</h1></body></html>", status=status, headers=headers)


@serves("robots_disallow")
def _robots_disallow(lab: Lab, key: str) -> None:
    page = pangea_page(lab.story(key, "x"), lab.web.url(f"/{key}/news/x"))
    lab.page_outlet(key, page)  # the main server's robots.txt disallows /robots_disallow/news/


@serves("robots_500")
def _robots_500(lab: Lab, key: str) -> None:
    lab.alt.add("/robots.txt", "<html><body>Internal Server Error</body></html>", status=500)
    url = lab.article(key, web=lab.alt, archived=False)  # the feed is on the main server
    alt = lab.alt.base.removeprefix("http://")
    lab.outlet(key, feeds=[lab.feed(key, [url])], domains=[alt])


@serves("dns_failure")
def _dns_failure(lab: Lab, key: str) -> None:
    host = "newswatch-fault.invalid"  # RFC 6761: never resolves
    lab.outlet(key, feeds=[lab.feed(key, [f"http://{host}/{key}/news/x"])], domains=[host])


@serves("connection_refused")
def _connection_refused(lab: Lab, key: str) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/{key}/news/x"
    lab.outlet(key, feeds=[lab.feed(key, [url])], domains=[f"127.0.0.1:{port}"])


REDOS_ALLOW = r"/(live/\d+|news/([a-z0-9]+-?)+/)$"  # ([a-z0-9]+-?)+ backtracks exponentially under re
#: a host name that never resolves (RFC 6761): the homepage of outlets that are not on loopback
PUBLIC_HOMEPAGE = "http://newswatch-outlet.invalid/"


@serves("allow_redos")
def _allow_redos(lab: Lab, key: str) -> None:
    good = lab.article(key, "good-story/")
    hostile = lab.web.url(f"/{key}/news/" + "a" * 40 + "!")
    lab.outlet(key, feeds=[lab.feed(key, [hostile, good])], allow=[REDOS_ALLOW])


@serves("feed_ipv6_links", "feed_userinfo_link")
def _feed_bad_links(lab: Lab, key: str) -> None:
    port = lab.web.server.server_address[1]
    bad = (
        [f"http://[::1]/{key}/a", f"http://127.0.0.1:99999/{key}/a"]  # (feedparser blanks "http://[::1/a")
        if "ipv6" in key
        else [f"http://desk@127.0.0.1:{port}/{key}/news/a"]
    )
    lab.outlet(key, feeds=[lab.feed(key, [*bad, lab.article(key)])])


@serves("sitemap_ipv6_link")
def _sitemap_ipv6_link(lab: Lab, key: str) -> None:
    body = _news_sitemap(lab, [f"http://[::1]/{key}/a", lab.article(key)])
    lab.outlet(key, news_sitemaps=[lab.web.add(f"/{key}/sitemap-news.xml", body, content_type=XML)])


@serves("listing_ipv6_links")
def _listing_ipv6_links(lab: Lab, key: str) -> None:
    good = lab.article(key)
    ipv6 = (f"http://[::1]/{key}/a", f"http://[::1/{key}/a", good)  # (URLs are per outlet: one run)
    links = "".join(f'<li><a href="{escape(u)}">x</a></li>' for u in ipv6)
    url = lab.web.add(f"/{key}/latest/", f"<html><body><ul>{links}</ul></body></html>")
    lab.outlet(key, listing_pages=[url], allow=[r"/news/"])


@serves("canonical_ipv6", "canonical_malformed")
def _canonical_bad(lab: Lab, key: str) -> None:
    url = lab.web.url(f"/{key}/news/x")
    page = pangea_page(lab.story(key, "x"), url)
    canonical = "http://[::1]/a" if key.endswith("ipv6") else "http://[::1/a"
    lab.page_outlet(key, page.replace(f'href="{url}"', f'href="{canonical}"'))
    lab.archived[key] = [url]


@serves("item_other_port")
def _item_other_port(lab: Lab, key: str) -> None:
    secret = lab.article(key, "secret", web=lab.other, archived=False)
    lab.outlet(key, feeds=[lab.feed(key, [secret, lab.article(key)])])


@serves("item_internal_address")
def _item_internal_address(lab: Lab, key: str) -> None:
    link = lab.article(key, archived=False)  # on the feed's own origin, which is loopback
    lab.outlet(key, homepage=PUBLIC_HOMEPAGE + key + "/", feeds=[lab.feed(key, [link])])


@serves("redirect_internal_address")
def _redirect_internal_address(lab: Lab, key: str) -> None:
    moved = lab.feed(key, [lab.article(key, archived=False)])
    lab.web.add(f"/{key}/old-feed.xml", b"", status=302, headers={"Location": moved})
    lab.outlet(key, homepage=PUBLIC_HOMEPAGE + key + "/", feeds=[lab.web.url(f"/{key}/old-feed.xml")])


@serves("redirect_other_port", "redirect_file", "redirect_data", "redirect_userinfo", "redirect_malformed")
def _redirect_refused(lab: Lab, key: str) -> None:
    port = lab.web.server.server_address[1]
    target = {
        "redirect_other_port": lab.article(key, web=lab.other, archived=False),
        "redirect_file": "file:///etc/passwd",
        "redirect_data": "data:text/html,<p>hello</p>",
        "redirect_userinfo": f"http://desk@127.0.0.1:{port}/{key}/news/a",
        "redirect_malformed": f"http://[::1/{key}/news/a",
    }[key]
    lab.article(key, archived=False)
    lab.web.add(f"/{key}/news/x", b"", status=302, headers={"Location": target})
    lab.outlet(key, feeds=[lab.feed(key, [lab.web.url(f"/{key}/news/x")])])


# --- the run ---------------------------------------------------------------------------------


@dataclass
class Run:
    db: Path
    lab: Lab
    seconds: float
    stdout: str
    stderr: str
    runs: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    tmp_path = tmp_path_factory.mktemp("faults")
    web, alt, other = FakeWeb().start(), FakeWeb().start(), FakeWeb().start()
    try:
        lab = Lab(web, alt, other, datetime.now(UTC).replace(microsecond=0))
        web.add("/robots.txt", "User-agent: *\nDisallow: /robots_disallow/news/\n", content_type="text/plain")
        for case in CASES:
            SERVE[case.outlet](lab, case.outlet)
        outlets = tmp_path / "outlets.toml"
        outlets.write_text(lab.toml(), encoding="utf-8")
        env = crawl_env(
            tmp_path,
            outlets,
            NEWSWATCH_DOWNLOAD_TIMEOUT=str(DOWNLOAD_TIMEOUT),
            NEWSWATCH_MAX_ARTICLES_PER_RUN=str(CAP),
            NEWSWATCH_CONCURRENT_REQUESTS="32",
            NEWSWATCH_CONCURRENT_PER_DOMAIN="16",
        )
        started = time.monotonic()
        result = run_newswatch(
            ["crawl", "-s", "RETRY_TIMES=1", "-s", f"DOWNLOAD_MAXSIZE={MAX_BYTES}", "-s", "DNS_TIMEOUT=5"],
            env,
            timeout=90,
        )
        seconds = time.monotonic() - started
        (tmp_path / "crawl.log").write_text(result.stderr, encoding="utf-8")  # to read when a case fails
        assert result.returncode == 0, result.stderr[-3000:]
        db = tmp_path / "data" / "newswatch.db"
        runs = {str(r["outlet"]): r for r in rows(db, "SELECT * FROM crawl_runs")}
        yield Run(db, lab, seconds, result.stdout, result.stderr, runs)
    finally:
        web.stop()
        alt.stop()
        other.stop()


def test_the_catalogue_is_complete() -> None:
    keys = [case.outlet for case in CASES]
    assert len(keys) == len(set(keys)) and len(keys) >= 41
    assert set(SERVE) == set(keys)


def test_the_crawl_survives_every_fault_in_sane_time(run: Run) -> None:
    assert run.seconds < 60, run.seconds  # ~15 s idle; the stalls this guards against take an hour
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert set(run.runs) == {case.outlet for case in CASES}
    for case in CASES:
        assert case.outlet in run.stdout


@pytest.mark.parametrize("case", CASES, ids=[case.outlet for case in CASES])
def test_each_fault_is_recorded_as_catalogued(run: Run, case: Case) -> None:
    row = run.runs[case.outlet]
    counts = {name: row[name] for name in RUN_COUNTERS}
    assert (row["status"], counts) == (case.status, case.expected()), case.fault
    if case.error is None:
        assert row["last_error"] is None, row["last_error"]
    else:
        assert re.search(case.error, str(row["last_error"])), row["last_error"]


@pytest.mark.parametrize("case", CASES, ids=[case.outlet for case in CASES])
def test_what_must_be_archived_is_archived_intact(run: Run, case: Case) -> None:
    archived = rows(run.db, "SELECT url, title, text FROM articles WHERE outlet = ?", case.outlet)
    assert sorted(str(a["url"]) for a in archived) == sorted(run.lab.archived.get(case.outlet, []))
    for article in archived:
        text = str(article["text"])
        assert "\ufffd" not in text and "Ð" not in text and "Ã" not in text, text[:200]  # no mojibake
    if case.text is not None:
        assert case.text in str(archived[0]["text"])
    if case.title is not None:
        assert archived[0]["title"] == case.title


def test_the_healthy_outlet_is_archived_whole(run: Run) -> None:
    archived = rows(run.db, "SELECT url, title, text FROM articles WHERE outlet = 'healthy'")
    assert len(archived) == 2
    for article in archived:
        assert article["title"] == run.lab.titles[str(article["url"])]
        assert len(str(article["text"])) > 500


# what the seen-URL table holds for a failed article: a final outcome is never fetched again,
# a transient failure (5xx, timeout, dropped connection, refused) leaves no row and is retried
SEEN = {
    "page_404": "gone",
    "page_410": "gone",
    "page_binary_as_html": "not_html",
    "page_pdf": "not_html",
    "page_plain_text": "not_html",
    "page_empty_body": "empty",
    "page_empty_article": "empty",
    "redirect_offsite": "offsite",
    "redirect_other_port": "offsite",
    "redirect_file": "offsite",
    "redirect_data": "offsite",
    "redirect_userinfo": "offsite",
    "redirect_malformed": "offsite",
    "canonical_ipv6": "archived",
    "canonical_malformed": "archived",
    "page_500": None,
    "page_503_retry_after": None,
    "page_429": None,
    "page_trickle": None,
    "page_connection_drop": None,
    "page_too_large": None,
}


@pytest.mark.parametrize(("outlet", "status"), SEEN.items(), ids=list(SEEN))
def test_final_outcomes_are_remembered_and_transient_ones_retried(
    run: Run, outlet: str, status: str | None
) -> None:
    seen = rows(run.db, "SELECT status FROM seen_urls WHERE url = ?", run.lab.web.url(f"/{outlet}/news/x"))
    assert [r["status"] for r in seen] == ([status] if status else [])


def test_loops_and_caps_bound_the_requests(run: Run) -> None:
    web = run.lab.web
    assert web.hits("/sitemap_index_loop/sitemap-index.xml") == 1  # the loop is seen, not followed
    assert run.stderr.count("[sitemap_index_loop] sitemap index loop") == 1
    assert (
        web.hits("/redirect_loop/news/x") + web.hits("/redirect_loop/news/y") == 6
    )  # REDIRECT_MAX_TIMES + 1
    fetched = {p for _, p in web.log if p.startswith("/feed_10000_items/n/")}
    assert fetched == {f"/feed_10000_items/n/{i}" for i in range(CAP)}  # the newest, each once
    assert web.hits("/page_503_retry_after/news/x") == 1  # "come back later": not retried in the run
    assert web.hits("/page_429/news/x") == 1
    assert web.hits("/page_500/news/x") == 2  # a transient error: one retry (RETRY_TIMES=1)


def test_no_request_reaches_another_service_or_an_internal_address(run: Run) -> None:
    assert run.lab.other.log == []  # not even its robots.txt
    assert run.lab.web.hits("/item_internal_address/news/a") == 0
    assert run.lab.web.hits("/redirect_internal_address/feed.xml") == 0
    refused = rows(run.db, "SELECT url, status, detail FROM seen_urls WHERE outlet = 'item_other_port'")
    assert [
        (r["status"], bool(re.search(r"port \d+ of 127\.0\.0\.1", str(r["detail"]))))
        for r in refused
        if "secret" in str(r["url"])
    ] == [("offsite", True)]


@pytest.mark.parametrize(
    "outlet",
    ["redirect_file", "redirect_data", "redirect_userinfo", "redirect_malformed", "redirect_other_port"],
)
def test_refused_redirects_are_recorded_with_their_reason(run: Run, outlet: str) -> None:
    seen = rows(
        run.db, "SELECT status, detail FROM seen_urls WHERE url = ?", run.lab.web.url(f"/{outlet}/news/x")
    )
    assert len(seen) == 1 and seen[0]["status"] == "offsite"
    assert "redirected off-site (" in str(seen[0]["detail"])
    assert run.lab.web.hits(f"/{outlet}/news/a") == 0  # the userinfo spelling is not followed either


def test_a_redirect_to_another_scheme_is_refused_once_and_not_asked_again(tmp_path: Path) -> None:
    web = FakeWeb().start()
    try:
        lab = Lab(web, web, web, datetime.now(UTC).replace(microsecond=0))
        _redirect_refused(lab, "redirect_file")
        outlets = tmp_path / "outlets.toml"
        outlets.write_text(lab.toml(), encoding="utf-8")
        env = crawl_env(tmp_path, outlets)
        db = tmp_path / "data" / "newswatch.db"
        for _ in range(2):
            result = run_newswatch(["crawl", "-s", "RETRY_TIMES=1"], env, timeout=60)
            assert result.returncode == 0, result.stderr[-3000:]
        first, second = rows(db, "SELECT * FROM crawl_runs ORDER BY started_at, id")
    finally:
        web.stop()
    assert web.hits("/redirect_file/news/x") == 1
    assert (first["status"], first["offsite"], first["errors"]) == ("ok", 1, 0)
    assert (second["status"], second["offsite"], second["skipped_seen"]) == ("ok", 0, 1)
