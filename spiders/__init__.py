"""Scrapy spiders: discovery and fetching of outlets' articles."""
