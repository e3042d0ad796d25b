"""The figure memo (monitor.ui.figures): a chart is reused only for arguments equal in content,
never for others."""

from __future__ import annotations

import hashlib

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from monitor.ui import figures

cells = st.one_of(st.none(), st.floats(allow_nan=False, width=32), st.text(max_size=6))


def digest(value) -> bytes:
    hasher = hashlib.blake2b(digest_size=20)
    figures._digest(value, hasher)
    return hasher.digest()


def frame(rows: list[tuple]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["value", "label"])
    return out.astype({"label": "string"})


@given(st.lists(st.tuples(cells, cells), max_size=6), st.lists(st.tuples(cells, cells),
                                                              max_size=6))
def test_equal_digests_only_for_equal_frames(a, b):
    left, right = frame(a), frame(b)
    same = left.equals(right) and list(left.dtypes) == list(right.dtypes)
    if not same:
        assert digest((left, "x")) != digest((right, "x"))
    # The same rows in a new frame: the same digest (the memo hits).
    assert digest((left, "x")) == digest((frame(a), "x"))


def test_a_changed_value_draws_a_new_chart():
    calls = []

    def factory(data, title):
        calls.append(title)
        return object()
    memo = figures._memoised(factory)
    base = pd.DataFrame({"window": ["BM1", "BM2"], "value": [51.0, 56.0]})
    first = memo(base, "t")
    assert memo(base.copy(), "t") is first
    changed = base.assign(value=[51.0, 56.1])
    assert memo(changed, "t") is not first
    assert memo(base, "other title") is not first
    assert len(calls) == 3
