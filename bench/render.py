"""`make bench-render`: Python's cost of one condition page with nothing cached, measured in this process.

The page as the first visitor after a save gets it: production settings (debug off, hashed static names, the
cached template loader), the page cache and the content cache both off, on a throwaway SQLite database seeded
as `make run` seeds it. Renders the page through Django's test client (all middleware, no network) many times
and prints the median milliseconds of CPU time per render (steady on a machine shared with other work, where
the wall-clock time, also printed, is not) and the queries one render runs. Free of gunicorn and load
generators, so it stays readable on a busy machine. --profile adds cProfile's top functions; --html DIR writes
each condition page's HTML there (to compare the markup before and after a change).
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.production_like import production_env  # noqa: E402

PAGE = "/conditions/glutes-spasm/"
HOST = "127.0.0.1"


def setup(workdir):
    """Django configured as production with nothing cached, on a fresh seeded database in workdir."""
    environment = production_env(
        f"sqlite:///{workdir / 'render.sqlite3'}",
        PAGE_CACHE_SECONDS="0",
        CONTENT_CACHE_SECONDS="0",
        DJANGO_LOG_LEVEL="WARNING",
    )
    os.environ.clear()
    os.environ.update(environment)
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_initial_data", verbosity=0, stdout=io.StringIO())
    # Hashed static names need the manifest, as in production (staticfiles/ is git-ignored).
    call_command("collectstatic", "--noinput", verbosity=0)


def client():
    from django.test import Client

    return Client(SERVER_NAME=HOST, HTTP_HOST=HOST)


def get(browser, url):
    response = browser.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return response


def time_renders(browser, url, count):
    """[(CPU ms, wall-clock ms)] of each render."""
    times = []
    for _ in range(count):
        cpu, wall = time.process_time(), time.perf_counter()
        get(browser, url)
        times.append(((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000))
    return times


def query_count(browser, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        get(browser, url)
    return len(queries)


def profile(browser, url, count, top):
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        get(browser, url)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def template_loaders():
    """The loaders production renders with: Django's cached loader when debug is off and none are set."""
    from django.template import engines

    return ", ".join(type(loader).__module__ for loader in engines["django"].engine.template_loaders)


def write_html(browser, directory):
    from conditions.models import Condition

    directory.mkdir(parents=True, exist_ok=True)
    for condition in Condition.objects.published():
        html = get(browser, condition.get_absolute_url()).content
        (directory / f"{condition.slug}.html").write_bytes(html)
    print(f"Wrote the HTML of each published condition page to {directory}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=300, help="renders to time (after 20 to warm up)")
    parser.add_argument("--url", default=PAGE)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions over the renders")
    parser.add_argument("--top", type=int, default=30, help="functions --profile prints")
    parser.add_argument("--html", type=Path, help="write each condition page's HTML to this directory")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-render-") as workdir:
        setup(Path(workdir))
        browser = client()
        if args.html:
            write_html(browser, args.html.resolve())
        time_renders(browser, args.url, 20)
        cpu, wall = zip(*time_renders(browser, args.url, args.renders), strict=True)
        queries = query_count(browser, args.url)
        print(
            f"{args.url}, nothing cached (PAGE_CACHE_SECONDS=0, CONTENT_CACHE_SECONDS=0), {args.renders} renders "
            f"in-process: median {statistics.median(cpu):.2f} ms of CPU per render (target ≤ 5 ms), "
            f"wall clock median {statistics.median(wall):.2f} ms; {queries} queries per render; "
            f"template loaders: {template_loaders()}"
        )
        if args.profile:
            profile(browser, args.url, args.renders, args.top)


if __name__ == "__main__":
    main()
