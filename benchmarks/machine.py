"""A fixed pure-Python workload, so figures taken on different machines can be compared.

Why: the speed aims are absolute (reports per second per core), but benchmark runs land on machines of
different speeds (the same code measured 1,711 and 800 reports/s on two VMs a day apart). Each speed
benchmark prints ``machine_ref_ms``: CPU milliseconds, best of fifteen, of a workload shaped like extraction
(string folding, splitting, dict counting and regular-expression scanning over a fixed text) — divide two
runs' figures by their ``machine_ref_ms`` before comparing them across machines.
"""

from __future__ import annotations

import re
import time

__all__ = ["reference_ms"]

_TEXT = " ".join(
    f"Report {i}: gunmen attacked a checkpoint near the town of Al-Qa'im at dawn, killing {i % 9} soldiers "
    f"and wounding {i % 13} others, officials said on Tuesday." for i in range(60))
_NUMBER = re.compile(r"\b(\d+)\s+(soldiers|others)\b")


def _workload() -> int:
    total = 0
    for _ in range(20):
        counts: dict[str, int] = {}
        for word in _TEXT.lower().split():
            counts[word] = counts.get(word, 0) + 1
        total += len(counts) + sum(int(m.group(1)) for m in _NUMBER.finditer(_TEXT))
    return total


def reference_ms(rounds: int = 15) -> float:
    """CPU milliseconds of the fixed workload, best of ``rounds`` (the machine's speed, not the code's)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        _workload()
        best = min(best, time.process_time() - started)
    return round(1000 * best, 2)


if __name__ == "__main__":
    print(f"machine_ref_ms={reference_ms()}")
