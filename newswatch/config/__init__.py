"""Configuration as typed models: the outlets file, the rule files and the ``NEWSWATCH_*``
settings, each validated by pydantic, every problem reported in one line
(:mod:`newswatch.config.problems`)."""
