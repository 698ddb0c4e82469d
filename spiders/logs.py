"""Logging for the crawl: one line per network failure.

An outlet outage is routine for a monitor. Scrapy's robots.txt and retry middlewares log
each failure with a full traceback; the message alone says what happened (the spider's own
errback adds the outlet and counts it), so their records are kept as single lines.
"""

from __future__ import annotations

import logging

ONE_LINE_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.retry")


class OneLine(logging.Filter):
    """Drops the traceback of a record, keeping its message and level."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


def quiet_network_tracebacks() -> None:
    for name in ONE_LINE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, OneLine) for f in logger.filters):
            logger.addFilter(OneLine())
