"""Not a test: Scrapyd's job runner for tests/test_workers_scrapyd.py (``runner`` in the test
daemons' scrapyd.conf). It takes the repository off ``sys.path`` before Scrapyd's own runner
starts the crawl, so the crawl imports only what the deployed egg holds: a module missing
from the egg fails the crawl instead of being found in the working tree."""

if __name__ == "__main__":
    import os
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != root]

    from scrapyd.runner import main

    main()
