"""Waiting for something that happens in another thread or process, with a generous bound instead of a sleep."""

import time


def eventually(probe, seconds=5.0, every=0.05):
    """probe()'s first truthy result, trying for up to `seconds`; AssertionError with the last one if none is."""
    deadline = time.monotonic() + seconds
    while True:
        result = probe()
        if result or time.monotonic() > deadline:
            assert result, f"still {result!r} after {seconds} s"
            return result
        time.sleep(every)
