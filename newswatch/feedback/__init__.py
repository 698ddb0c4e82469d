"""What the team's judgements (the ``labels`` table) drive: the corpus export
(``export``), the per-rule report and its misses (``report``), the week's ledger for Slack
(``ledger``). Pure functions over rows the archive's ``labels`` store reads; docs/feedback.md."""
