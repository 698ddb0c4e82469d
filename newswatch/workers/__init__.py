"""Crawls on Scrapyd workers, one archive writer (docs/scaling.md).

- :mod:`newswatch.workers.ingest`: the hub's ingest endpoint (``NEWSWATCH_INGEST_TOKEN``);
- :mod:`newswatch.workers.remote`: a crawl on a worker (``NEWSWATCH_HUB_URL``), which never
  opens an archive; :mod:`~newswatch.workers.client`, :mod:`~newswatch.workers.spool`;
- :mod:`newswatch.workers.scrapyd`: the hub's launcher for Scrapyd workers
  (``NEWSWATCH_SCRAPYD_URLS``); :mod:`newswatch.workers.deploy`: the egg they run;
- :mod:`newswatch.workers.wire`: the records between them.

Nothing is imported here: a local crawl imports only what it uses.
"""
