"""Run every benchmark and print a Markdown table for the README.

make up && make bench
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ["relay_throughput.py", "--events", "20000"],
    ["api_throughput.py", "--requests", "2000"],
    ["assessment_latency.py", "--requests", "2000", "--concurrency", "20"],
    ["recalc_million.py", "--households", "1000000"],
]


def main() -> int:
    for args in BENCHES:
        print(f"== {' '.join(args)}", flush=True)
        rc = subprocess.call([sys.executable, str(HERE / args[0]), *args[1:]])
        if rc:
            return rc
    return 0


if __name__ == "__main__":
    sys.exit(main())
