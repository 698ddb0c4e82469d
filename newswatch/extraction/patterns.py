"""Line patterns: the regexes that recognise page chrome as whole lines of text (shared by
the line filter in ``chrome`` and the box headings in ``markup``; ``authors`` uses the
e-mail pattern)."""

from __future__ import annotations

import re

# Lines that are page furniture, never article text (case-insensitive, full match).
CHROME_LINES = re.compile(
    r"""^(?:
        accessibility\ links | skip\ to\ (?:main\ )?(?:content|navigation|main\ menu|more\ \S+\ sites)
      | (?:xs|sm|md|lg|xl) | breaking\ news | related\ content | related\ (?:articles|stories|coverage|topics)
      | advertisement | share(?:\ this(?:\ article|\ story)?)? | print | email | comments?
      | (?:read|see)\ (?:more|also)\ *:? | most\ (?:read|popular|viewed)(?:\ in\ .{1,30})?
      | follow\ us(?:\ on\ .{1,30})?
      | recommended(?:\ for\ you)? | popular | trending(?:\ now)? | you\ may\ also\ like
      | (?:more|latest)\ (?:from|on)\ .{1,40} | more\ must-reads\ from\ .{1,30}
      | click\ here\ to\ read\ more\ from\ .{1,60} | sign\ up\ (?:for|to)\ .{1,80}
      | (?:facebook|twitter|x|telegram|whatsapp|linkedin|reddit|copy\ link|link\ copied)
      | \d+x\d+\ image | to\ find\ out\ more,\ click\ here\.?
      | (?:photo|image|foto|фото|picture|credit)s?\ *:\ *.{1,80}
      | (?:senior\ |chief\ |staff\ )?(?:reporter|correspondent|writer|editor|columnist|contributor)
      | (?:\d{1,2}:)?\d{1,2}:\d{2} | \|?\ *updated:? | [_=*~]{3,}
      | listen(?:\ to\ (?:this\ )?article)?(?:\ \d+\ min)?
      | this\ (?:is\ a\ (?:breaking|developing)\ (?:news?\ )?story|story\ is\ (?:breaking|developing))
        \b.{0,80}
      | 分享(?:到|让更多人看到)?[:：]? | 评论 | 关注 | 打印 | 收藏 | 点赞 | 纠错
      | この(?:ニュース|記事)をシェア
      | \(end\) | [\w.+-]+@[\w-]+(?:\.[\w-]+)+ | loading\b.{0,30}(?:\.\.\.|…)
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Lines that open with a media promo label ("WATCH | …"; the "Read more: …" labels that point to
# another article are ``newswatch.text.cross_reference``) or ask the reader to do something
# (subscribe, install, join, follow).
PROMO_LINES = re.compile(
    r"""^(?:
        (?:watch|listen)\s*[:|–—]
      | (?:subscribe|sign\ up|join\ our|install\ the|download\ the|get\ the\ .{1,40}\ app|be\ the\ first\ to
          |want\ to\ bookmark|follow\ (?:us|the\ .{1,40})\ on|click\ here\ to|to\ continue\ reading
          |get\ (?:alerts|notified|breaking\ news\ alerts)
          |never\ miss|we\ want\ to\ hear\ (?:from\ you|what\ you\ think)
          |for\ more\ .{1,80},?\ visit\ \S+\.\w)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A label line whose following lines are the headlines it promotes.
LABEL_LINE = re.compile(
    r"""^(?:read\ (?:more|next|also)|related(?:\ (?:articles|stories|coverage|content))?|see\ also|also\ read
      |more\ on\ this(?:\ story)?|czytaj\ (?:więcej|też|także)|lesen\ sie\ (?:auch|mehr)|lire\ aussi
      |читайте\ (?:также|також)|相关(?:新闻|阅读|报道|文章)|延伸阅读|関連(?:記事|ニュース)|관련\ ?기사
      |เรื่องที่เกี่ยวข้อง)\s*[:：]?$""",
    re.IGNORECASE | re.VERBOSE,
)
# Calls to support, subscribe or donate, and paywall notes (short lines only).
APPEAL_LINE = re.compile(
    r"""^(?:please\ )?(?:support\ (?:us|our\ (?:journalism|work|newsroom|reporting)|independent\ journalism)
        |donate\ (?:now|today|to\ us))\b
      | \bbecome\ (?:a|our)\ (?:member|patron|subscriber|supporter)\b
      | \bin\ your\ inbox\b | \bdelivered\ (?:to\ your\ inbox|every\ \w+day)\b
      | \b(?:for|to)\ subscribers\ only\b | réservée?\ aux\ abonnés | 会員限定""",
    re.IGNORECASE | re.VERBOSE,
)
# Headings of recirculation boxes ("More from …", "Popular", "Recommended").
RECIRCULATION_LINE = re.compile(
    r"""^(?:(?:more|latest)\ (?:from|on)\ .{1,40} | more\ must-reads\ from\ .{1,30} | popular(?:\ now)?
      | most\ (?:read|popular|viewed|shared) | recommended(?:\ for\ you)? | trending(?:\ now)?
      | you\ (?:may|might)\ also\ like | related\ (?:content|articles|stories|coverage|topics)
      | other\ news | more\ stories)\s*:?$""",
    re.IGNORECASE | re.VERBOSE,
)
# A line that is only a date, maybe with a weekday, a time and a zone ("Sunday 17 December
# 2023 17:23, UK", "Updated 12:40 PM EDT, October 21, 2026").
DATE_LINE = re.compile(
    r"""^(?:(?:updated|published|posted|last\ updated)\s*:?\s*)?
      (?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,5})?,?\s+)?
      (?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?
      (?:\d{1,2}\s+[a-z]{3,9}\.?|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?)\s+\d{4}
      (?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?)?(?:,?\s+[A-Z]{2,5}(?:[+-]\d{1,2})?)?$""",
    re.IGNORECASE | re.VERBOSE,
)
# Copyright and rights notices (short lines only).
RIGHTS_LINE = re.compile(r"©|\(c\)\s*\d{4}|copyright\s+(?:©\s*)?\d{4}|all rights reserved", re.IGNORECASE)
# Embedded social-media attribution ("— Name (@handle) July 18, 2026") and post links.
EMBED_LINE = re.compile(r"^[—–-]\s*.{1,80}\(@\w{1,30}\)\s+\w+\.?\s+\d{1,2},\s+\d{4}$|pic\.twitter\.com/")
# A short line pointing to the outlet's social or payment accounts ("Facebook
# https://fb.me/outlet", "PayPal: paypal.me/outlet", "LINE ID = @outlet").
SOCIAL_LINE = re.compile(
    r"(?:https?://)?(?:www\.)?(?:facebook\.com|fb\.me|twitter\.com|x\.com|instagram\.com|t\.me|youtube\.com"
    r"|youtu\.be|tiktok\.com|paypal\.me|line\.me|vk\.com|threads\.net)/\S*\s*(?:\([^)]{0,60}\))?$"
    r"|^line\s+\S{0,10}\s*=?\s*@\w+$",
    re.IGNORECASE,
)
# Closing credits: "ac/sms (Reuters, AFP)", "dpa/afp", "Reporting by …; Editing by …",
# "Reuters contributed to this report.", "Contributing: …", print-edition notes.
CREDIT_LINE = re.compile(
    r"""^(?:\w{1,5}(?:/\w{1,5})+(?:\s*\([^)]{1,60}\))?
      | \(?(?:with\ )?(?:additional\ )?(?:reporting|writing|editing|compiled)\ by\ [^.]{1,200}\)?\.?
      | .{1,80}\ contributed\ to\ this\ (?:report|story|article)\b.{0,80}
      | contributing:\ .{1,300} | with\ (?:files|reports?)\ from\ .{1,120}
      | includes\ (?:information|reporting)\ from\ .{1,80} | our\ standards:\ .{1,80}
      | (?:redaktion|faktencheck|recherche|mitarbeit|edited\ by|editor|fact[-\ ]check(?:ed\ by)?)\s*:?
        \ (?:[A-ZÀ-Ý][\w.'’-]+\s?){1,4}(?:(?:,\ |\ (?:and|und|&)\ )(?:[A-ZÀ-Ý][\w.'’-]+\s?){1,4})*
      | [A-Z][\w'’-]+(?:(?:,\ |\ and\ )[A-Z][\w'’-]+)*\ reported\ from\ [A-Z].{1,300}
      | this\ article\ appeared\ in\ the\ .{1,80}\ print\ edition.*
      | (?:this\ (?:piece|article|story)\ (?:was\ )?)?(?:originally|first)\ (?:appeared|published)
        \ (?:(?:in|on|by)\ )?.{1,80})$""",
    re.IGNORECASE | re.VERBOSE,
)
BYLINE_LINE = re.compile(r"^[Bb]y\s+(?:[A-Z][\w.'’-]*\s*){1,4}(?:(?:and|&)\s+(?:[A-Z][\w.'’-]*\s*){1,4})?$")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
