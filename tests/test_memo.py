"""The bounded memo: remembers answers by key, builds each once, forgets the least recently used first."""

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.memo import BoundedMemo


def test_an_answer_is_built_once_and_then_remembered():
    memo, calls = BoundedMemo(4), []
    assert memo.get("a", lambda: calls.append("a") or 1) == 1
    assert memo.get("a", lambda: calls.append("again") or 2) == 1
    assert calls == ["a"]


def test_the_least_recently_used_answer_leaves_first():
    memo = BoundedMemo(2)
    memo.get("a", lambda: 1)
    memo.get("b", lambda: 2)
    memo.get("a", lambda: 0)  # "a" used again: "b" is now the oldest
    memo.get("c", lambda: 3)
    assert len(memo) == 2
    assert memo.get("b", lambda: "rebuilt") == "rebuilt"
    assert memo.get("c", lambda: "rebuilt") == 3


@given(st.lists(st.integers(0, 20), max_size=200), st.integers(1, 8))
def test_answers_always_equal_the_function_and_the_bound_holds(keys, size):
    memo = BoundedMemo(size)
    for key in keys:
        assert memo.get(key, lambda: key * key) == key * key
        assert len(memo) <= size


def test_a_memo_holds_at_least_one_answer():
    with pytest.raises(ValueError):
        BoundedMemo(0)


def test_threads_share_one_memo_safely():
    memo, errors = BoundedMemo(16), []

    def work(offset):
        try:
            for i in range(2000):
                key = (i + offset) % 40
                assert memo.get(key, lambda: -key) == -key
        except AssertionError as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(memo) <= 16
