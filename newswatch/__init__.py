"""newswatch: the code behind the Scrapy project at the repository root: discovery, URLs,
extraction, rules, stories, the archive, the service and the command line."""
