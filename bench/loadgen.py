"""A small closed-loop HTTP load generator, for machines without wrk.

Each thread keeps one keep-alive connection and sends the next request as soon as the last one is answered,
as wrk does. Python is slower than wrk at this, so its figures are a floor, not the stack's ceiling;
ratios between pages measured with the same generator stay comparable.
"""

import http.client
import threading
import time
import urllib.parse


def run(url, seconds, connections, make_request=None, headers=None):
    """Load `url` for `seconds`; return {"rps", "p50_ms", "p99_ms", "requests", "errors", "bytes"}.

    make_request(connection) -> (status, body_length) may replace the plain GET (the booking POSTs do)."""
    target = urllib.parse.urlsplit(url)
    path = target.path + (f"?{target.query}" if target.query else "")
    latencies, results, lock = [], {"errors": 0, "bytes": 0}, threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        mine, errors, size = [], 0, 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                if make_request:
                    status, length = make_request(connection)
                else:
                    connection.request("GET", path, headers=headers or {})
                    response = connection.getresponse()
                    status, length = response.status, len(response.read())
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                errors += 1
                continue
            mine.append(time.perf_counter() - started)
            size += length
            errors += status >= 400
        with lock:
            latencies.extend(mine)
            results["errors"] += errors
            results["bytes"] += size

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else float("nan")

    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "requests": len(latencies),
        "errors": results["errors"],
        "bytes": results["bytes"],
    }
