"""A small thread-safe memo with a bound: the last ``size`` answers of an expensive pure function, by key.

Why one shared helper: building SQL clauses (the sharing policy's clause for a viewer, that clause re-pointed
onto the counting projection) costs milliseconds of CPU and a page asks for the same one several times; the
answer depends only on the key, so remembering it is safe. Only derived *clauses* are kept this way, never
data, so nothing stored can go stale in it. Least recently used answers leave first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["BoundedMemo"]

V = TypeVar("V")


class BoundedMemo(Generic[V]):
    """``memo.get(key, build)``: the remembered answer for ``key``, else ``build()`` remembered (at most
    ``size`` answers). ``build`` runs outside the lock, so two threads may build the same answer once each."""

    def __init__(self, size: int):
        if size < 1:
            raise ValueError("a memo holds at least one answer")
        self.size = size
        self._answers: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], V]) -> V:
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        found = build()
        with self._lock:
            self._answers[key] = found
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return found

    def __len__(self) -> int:
        return len(self._answers)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
