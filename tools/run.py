"""`make run`: the development server and the worker together, in one terminal; Ctrl-C stops both.

Usage: python tools/run.py HOST:PORT. Should either stop on its own, the other is stopped too, and the exit
status says so.
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(address: str) -> int:
    manage = [sys.executable, "manage.py"]
    processes = [
        subprocess.Popen([*manage, "runserver", address], cwd=ROOT),  # noqa: S603
        subprocess.Popen([*manage, "run_worker"], cwd=ROOT),  # noqa: S603
    ]
    # Ctrl-C reaches both children (one process group); we only wait for them to finish.
    signal.signal(signal.SIGINT, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: [p.terminate() for p in processes if p.poll() is None])
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.2)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return max(abs(process.returncode or 0) for process in processes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8000"))
