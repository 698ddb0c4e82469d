"""Item pipelines (extract, store) and the crawl-run recorder."""
