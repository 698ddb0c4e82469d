"""The monitor as a service: schedules (pure trigger arithmetic), the crawl launcher, the
source-health watchdog, and the single-instance lock. `scheduler.py` wires them up."""
