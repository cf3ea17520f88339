"""`make bench`: the site under gunicorn with the production settings on loopback, measured.

Measures two configurations, one after the other: the default (one worker, each process's own cache) and, when
Redis answers, the scale-out one (REDIS_URL, as many workers as gunicorn.conf.py starts with it). For each it
starts three app servers with that worker count (page cache on; page cache off; every cache off), then loads, one
after the other: a static file (the ceiling of this stack with those workers on this machine), the condition page
with the page cache off, cached and with nothing cached at all, the search page and booking submissions. Prints a
table per configuration with each rate as a ratio to its own static file, and the condition page's query count
and transfer size; writes the same to reports/bench/ (git-ignored). Uses wrk when installed, the bundled Python
load generator otherwise (or with --python). Not a CI gate: it reports, it does not fail.
"""

import argparse
import contextlib
import datetime
import gzip
import http.client
import json
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import booking, loadgen  # noqa: E402
from tools import production_like  # noqa: E402
from tools.production_like import gunicorn  # noqa: E402

OUT = ROOT / "reports" / "bench"
CONDITION = "/conditions/glutes-spasm/"
SEARCH_CANDIDATES = ["/search/?q=spasm", "/conditions/search/?q=spasm"]
PAGE_CACHE_OFF = "condition page, page cache off"
DIARY_DAY = "diary day page, page cache off"
TARGETS = {PAGE_CACHE_OFF: 0.25, "condition page, cached": 0.90, DIARY_DAY: 0.20}
FIRST_LOAD_LIMIT = 40 * 1024
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def production_env(**overrides):
    """The production settings on loopback: the bench's own SQLite file unless DATABASE_URL is set; no Redis."""
    database = os.environ.get("DATABASE_URL") or f"sqlite:///{OUT / 'bench.sqlite3'}"
    # The seed's placeholder physiotherapists are offered, so the diary's day page has free times to compute.
    diary = {"BOOKING_OFFERS_PLACEHOLDERS": "true"}
    return production_like.production_env(database, DJANGO_LOG_LEVEL="WARNING", **(diary | overrides))


def configurations(wanted):
    """(name, workers, environment) of each configuration to measure: the default, and Redis when it answers."""
    if "default" in wanted:
        yield "default: 1 worker, the cache in its memory", 1, {}
    if "redis" not in wanted:
        return
    if not redis_answers(REDIS_URL):
        print(f"Skipping the Redis configuration: nothing answers at {REDIS_URL} (set REDIS_URL)")
        return
    # As gunicorn.conf.py starts with REDIS_URL set.
    workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
    # A key prefix of this run's own: it meets no page another run cached, and its keys are removed afterwards.
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    shared = {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
    yield f"with REDIS_URL: {workers} workers sharing Redis", workers, shared


def redis_answers(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError:
        return False


def remove_keys(env):
    if "REDIS_URL" in env:
        import redis

        client = redis.Redis.from_url(env["REDIS_URL"])
        for key in client.scan_iter(f"{env['CACHE_KEY_PREFIX']}:*"):
            client.delete(key)


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


@contextlib.contextmanager
def server(env, port, name, workers):
    env = env | {"GUNICORN_ACCESS_LOG": str(OUT / f"{name}-access.log")}
    with open(OUT / f"{name}.log", "wb") as log, gunicorn(env, port, workers=workers, log=log) as url:
        yield url


def fetch(url, headers=None):
    """(status, headers, body as sent on the wire) for one GET."""
    host, _, path = url.removeprefix("http://").partition("/")
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("GET", "/" + path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.headers, body


def load(url, seconds, connections, use_wrk):
    if use_wrk:
        return wrk(url, seconds, connections)
    return loadgen.run(url, seconds, connections, headers={"Accept-Encoding": "gzip"})


def wrk(url, seconds, connections):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", "Accept-Encoding: gzip", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": wrk_ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99_ms": wrk_ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }


def wrk_ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def condition_page_facts(env, base_url):
    """Queries the condition page runs with the page cache off (built from the database, then with its rendered
    article, header and footer cached), and what its first load transfers, gzip as a browser asks."""
    snippet = (
        "import django, json; django.setup()\n"
        "from django.db import connection; from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "client = Client(SERVER_NAME='127.0.0.1')\n"
        f"with CaptureQueriesContext(connection) as cold: status = client.get({CONDITION!r}).status_code\n"
        f"with CaptureQueriesContext(connection) as warm: client.get({CONDITION!r})\n"
        "print(json.dumps({'queries': len(cold), 'queries_warm': len(warm), 'status': status}))\n"
    )
    env = env | {"PAGE_CACHE_SECONDS": "0"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", snippet], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    _, headers, html = fetch(base_url + CONDITION, {"Accept-Encoding": "gzip"})
    sizes = {"html": len(html)}
    for asset in re.findall(rb'(?:href|src)="(/static/[^"]+)"', decoded(headers, html)):
        _, headers, body = fetch(base_url + asset.decode(), {"Accept-Encoding": "gzip"})
        sizes[asset.decode()] = len(body)
        # What the stylesheet loads in turn (fonts, images), but not what it carries inline.
        for ref in re.findall(rb"url\([\"']?(/static/[^\"')]+)", decoded(headers, body)):
            sizes[ref.decode()] = len(fetch(base_url + ref.decode(), {"Accept-Encoding": "gzip"})[2])
    facts["transfer_bytes"] = sum(sizes.values())
    facts["transfer_parts"] = sizes
    return facts


def decoded(headers, body):
    return gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body


def static_url(base_url):
    _, _, html = fetch(base_url + "/")
    return re.search(rb'<link rel="stylesheet" href="([^"]+)"', html).group(1).decode()


def diary_day_path():
    """All free times of the next working day (not a Sunday, when the clinic is closed), for anyone."""
    day = datetime.date.today() + datetime.timedelta(days=1)
    day += datetime.timedelta(days=day.weekday() == 6)
    return f"/book/time/times/?visit=first-assessment&physio=anyone&day={day.isoformat()}"


def search_url(base_url):
    for path in SEARCH_CANDIDATES:
        if fetch(base_url + path)[0] == 200:
            return path
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each measurement")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8601)))
    parser.add_argument("--python", action="store_true", help="use the bundled load generator even if wrk exists")
    parser.add_argument(
        "--configurations", default="default,redis", help="which to measure: default, redis or both (the default)"
    )
    args = parser.parse_args()
    use_wrk = shutil.which("wrk") is not None and not args.python
    OUT.mkdir(parents=True, exist_ok=True)

    relaxed = booking.RELAXED_SETTINGS
    env = production_env(**relaxed)
    print(f"Preparing: migrate, seed data, collectstatic ({env['DATABASE_URL'].split('@')[-1]})")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_initial_data", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    if relaxed:
        print("Bench-only settings (abuse limits relaxed so one address may send many bookings):")
        for name, value in relaxed.items():
            print(f"  {name}={value}")

    measured, facts = [], None
    for name, workers, overrides in configurations(args.configurations.split(",")):
        print(f"Configuration {name}")
        try:
            rows, facts = measure(env | overrides, workers, args, use_wrk, facts)
        finally:
            remove_keys(overrides)
        measured.append({"name": name, "workers": workers, "rows": rows})

    report = render(measured, facts, "wrk" if use_wrk else "bundled Python generator", args)
    print(report)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    (OUT / f"bench-{stamp}.md").write_text(report)
    (OUT / "latest.md").write_text(report)
    (OUT / "latest.json").write_text(json.dumps({"configurations": measured, "condition_page": facts}, indent=1))
    print(f"Written to {OUT.relative_to(ROOT)}/latest.md and bench-{stamp}.md")


def measure(env, workers, args, use_wrk, facts=None):
    """The rows of one configuration, every one on servers with the same number of workers as its static file;
    and the condition page's facts, unless already known."""
    rows, port = [], args.port
    with (
        server(env, port, "cached", workers) as cached,
        server(env | {"PAGE_CACHE_SECONDS": "0"}, port + 1, "uncached", workers) as uncached,
        server(env | {"PAGE_CACHE_SECONDS": "0", "CONTENT_CACHE_SECONDS": "0"}, port + 2, "no-cache", workers) as cold,
    ):
        facts = facts or condition_page_facts(env, cached)
        scenarios = [
            ("static file", cached + static_url(cached)),
            (PAGE_CACHE_OFF, uncached + CONDITION),
            ("condition page, cached", cached + CONDITION),
            # No target: what every visit would cost if nothing were cached, shown so the rows above can be weighed.
            ("condition page, nothing cached", cold + CONDITION),
        ]
        # A patient's day of free times: computed from the diary on every request (the seed's two physiotherapists).
        scenarios.append((DIARY_DAY, uncached + diary_day_path()))
        search = search_url(cached)
        # Searches vary, so most miss the page cache: measured on the server without it.
        scenarios.append(("search page, page cache off", uncached + search if search else None))
        for name, url in scenarios:
            if url is None:
                rows.append({"name": name, "skipped": "no search page on this branch"})
                continue
            print(f"Measuring {name}: {url}")
            for_warmup = load(url, 2, args.connections, use_wrk)  # noqa: F841 - fills caches, wakes workers
            rows.append({"name": name, "url": url} | load(url, args.seconds, args.connections, use_wrk))
        rows.append(booking.measure(cached, args.seconds, args.connections))
    # The same submissions with a mail server that accepts and never answers: the request only queues its
    # e-mails for the worker, so its p99 should not move.
    with hanging_mail_server() as mail, server(env | {"EMAIL_URL": mail}, port + 3, "mail-hanging", workers) as hung:
        row = booking.measure(hung, args.seconds, args.connections)
        rows.append(row | {"name": f"{row['name']}, mail server hanging"})
    return rows, facts


@contextlib.contextmanager
def hanging_mail_server():
    """An SMTP address on loopback that accepts connections and never says a word (a mail server that hangs)."""
    listener, held = socket.create_server(("127.0.0.1", 0)), []

    def accept():
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:  # closed: the measurement is over
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"smtp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
        for connection in held:
            connection.close()


def render(measured, facts, tool, args):
    lines = [
        f"# make bench, {datetime.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Load generator: {tool}; {args.connections} connections, {args.seconds} s per row; loopback; "
        "Accept-Encoding: gzip. Each ratio is to the static file served by as many workers as the row's.",
    ]
    for configuration in measured:
        lines += ["", f"## {configuration['name']}", "", *table(configuration["rows"])]
    parts = ", ".join(f"{name} {size / 1024:.1f} KB" for name, size in facts["transfer_parts"].items())
    lines += [
        "",
        f"Condition page ({CONDITION}, HTTP {facts['status']}): {facts['queries']} database queries built from the "
        f"database, {facts['queries_warm']} with the page cache off (its article, header and footer from the "
        f"content cache), 0 from the page cache; first load transfers {facts['transfer_bytes'] / 1024:.1f} KB "
        f"({parts}) — limit {FIRST_LOAD_LIMIT // 1024} KB.",
        "",
    ]
    return "\n".join(lines)


def table(rows):
    ceiling = next(row["rps"] for row in rows if row["name"] == "static file")
    lines = [
        "| what | requests/s | ratio to static | p50 ms | p99 ms | requests | errors | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        if "skipped" in row:
            lines.append(f"| {row['name']} | skipped: {row['skipped']} | | | | | | |")
            continue
        ratio = row["rps"] / ceiling
        target = TARGETS.get(row["name"])
        verdict = f"≥ {target:.0%}: {'met' if ratio >= target else 'NOT met'}" if target else ""
        lines.append(
            f"| {row['name']} | {row['rps']:.0f} | {ratio:.0%} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} "
            f"| {row['requests']} | {row['errors']} | {verdict} |"
        )
    return lines


if __name__ == "__main__":
    main()
