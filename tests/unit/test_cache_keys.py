"""The caches (monitor.ui.data.cache.keyed). Their keys are the text of their arguments: equal
arguments give one key, different ones different keys, and a value whose text is not exact is
refused rather than keyed by an address or a summary. What they hand out is each caller's own:
whatever a caller does to it, the cached result another session reads stays as it was."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from typing import NamedTuple

import numpy as np
import pandas as pd
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.access import Scope
from monitor.measures.selection import Filters
from monitor.registry import MeasureId
from monitor.ui.data.cache import _key_text, handed_out, keyed

years = st.sampled_from(["2025-26", "2026-27"])
maybe = st.none() | st.sampled_from(["ELA", "Math", "1", "K", "Middle (6-8)", "0610011", "'", ""])
filters = st.builds(Filters, school_year=years, school=maybe, subject=maybe, grade=maybe,
                    group=st.sampled_from(["all", "el", "swd"]), window=maybe)
scopes = st.builds(Scope, role=st.sampled_from(["district", "principal", "viewer"]),
                   schools=st.none() | st.tuples(st.sampled_from(["A", "B"])),
                   analyst=st.booleans())
plain = (st.none() | st.booleans() | st.integers() | st.text(max_size=5)
         | st.floats(allow_nan=False) | st.dates())
arguments = st.tuples(scopes, filters, plain, st.tuples(plain, plain))


@given(arguments, arguments)
def test_one_key_is_one_set_of_arguments(a, b):
    """Never a wrong hit: equal keys are equal arguments of the same kinds. (Equal arguments
    written differently, 0.0 and -0.0, may miss: a second computation, not a wrong answer.)"""
    if _key_text(a) == _key_text(b):
        assert a == b
        assert [type(x) for x in a[2:]] == [type(y) for y in b[2:]]


@given(arguments)
def test_the_same_arguments_rebuilt_give_the_same_key(a):
    scope, filters, value, pair = a
    rebuilt = (Scope(**scope.model_dump()), Filters(**filters.model_dump()), value, tuple(pair))
    assert _key_text(rebuilt) == _key_text(a)


def test_values_that_compare_equal_but_differ_in_kind_are_kept_apart():
    for x, y in itertools.combinations([1, 1.0, True, "1", MeasureId.BENCHMARK, "benchmark"], 2):
        assert _key_text((x,)) != _key_text((y,))


@pytest.mark.parametrize("value", [[1, 2], {"a": 1}, pd.DataFrame({"a": [1]}), object(),
                                   (1, [2])])
def test_a_value_without_an_exact_text_is_refused(value):
    with pytest.raises(TypeError, match="a cache key cannot hold"):
        _key_text(("stamp", value))


def test_a_database_stamp_is_a_key():
    stamp = (3, 17, "/srv/config.toml", 1733500000000000000, "2026-11-23", ("goals", 4))
    assert _key_text((stamp, dt.date(2026, 11, 23))) == repr((stamp, dt.date(2026, 11, 23)))


# -- what a cache hands out ------------------------------------------------------------------

def _frame() -> pd.DataFrame:
    return pd.DataFrame({"school": pd.array(["A", "B", "C"], dtype="str"), "n": [10, 20, 30],
                         "value": [50.0, 60.0, np.nan], "shown": [True, False, True]})


def _set_cell(f):
    f.loc[0, "n"] = 99


def _set_by_position(f):
    f.iloc[1, 2] = -1.0


def _new_column(f):
    f["x"] = 1


def _replace_column(f):
    f["school"] = f["school"].str.lower()


def _column_in_place(f):
    column = f["value"]
    column.iloc[0] = 7.0
    column.fillna(0, inplace=True)


def _numpy_in_place(f):
    f["n"].to_numpy()[0] = 5            # read-only: raises


def _frame_in_place(f):
    f.sort_values("n", ascending=False, inplace=True)
    f.drop(columns="shown", inplace=True)
    f.rename(columns={"n": "count"}, inplace=True)
    f.reset_index(drop=True, inplace=True)


def _update(f):
    f.update(pd.DataFrame({"n": [0, 0, 0]}))
    f.fillna({"value": 0.0}, inplace=True)
    f.replace({"n": {10: 11}}, inplace=True)


WRITES = [_set_cell, _set_by_position, _new_column, _replace_column, _column_in_place,
          _numpy_in_place, _frame_in_place, _update]


class Pair(NamedTuple):
    frame: pd.DataFrame
    note: str


@dataclasses.dataclass(frozen=True)
class Result:
    frames: dict[str, pd.DataFrame]
    lines: list[str]
    pair: Pair


def _result() -> Result:
    return Result({"ELA": _frame(), "Math": _frame()}, ["a line"], Pair(_frame(), "n<10"))


def _frames(result: Result) -> list[pd.DataFrame]:
    return [*result.frames.values(), result.pair.frame]


_EXAMPLES = itertools.count()


# The in-place keywords are deprecated in pandas 3.1, and still there: a page could use them.
@pytest.mark.filterwarnings("ignore:The inplace keyword")
@given(st.lists(st.sampled_from(WRITES), max_size=6))
def test_whatever_a_caller_does_to_its_result_the_cached_one_stays(writes):
    """Two sessions read one cached result (pandas' copy-on-write under a shallow copy):
    writes into one's frames, in place or not, reach neither the cache nor the other."""
    computed = []

    @keyed()
    def result(stamp):
        computed.append(stamp)
        return _result()

    stamp = f"version {next(_EXAMPLES)}"      # the cache outlives one example
    theirs = result(stamp)
    for write in writes:                    # each a caller of its own, one after another
        mine = result(stamp)
        for frame in _frames(mine):
            try:
                write(frame)
            except ValueError as exc:       # a read-only array says so rather than sharing
                assert "read-only" in str(exc)
        mine.lines.append("mine")
    again = result(stamp)
    assert computed == [stamp]              # one computation, every caller
    for frame in [*_frames(theirs), *_frames(again)]:
        pd.testing.assert_frame_equal(frame, _frame())
    assert again.lines == theirs.lines == ["a line"]


def test_each_caller_gets_new_containers_around_the_same_data():
    cached = _result()
    first, second = handed_out(cached), handed_out(cached)
    assert first is not cached and first.frames is not second.frames
    assert first.lines is not cached.lines and isinstance(first.pair, Pair)
    assert first.pair.frame is not cached.pair.frame
    assert np.shares_memory(first.pair.frame["n"].to_numpy(), cached.pair.frame["n"].to_numpy())
    frozen = Filters(school_year="2026-27")
    assert handed_out((1, "a", None, dt.date(2026, 11, 23), frozenset({"x"}), frozen)) == (
        1, "a", None, dt.date(2026, 11, 23), frozenset({"x"}), frozen)


class _Open(pydantic.BaseModel):
    n: int = 1


@pytest.mark.parametrize("value", [np.array([1, 2]), {"a"}, object(), bytearray(b"x"),
                                   [1, {"k": np.zeros(2)}], _Open()])
def test_a_result_that_could_be_changed_in_place_and_is_not_a_frame_is_refused(value):
    with pytest.raises(TypeError, match="cannot hand out"):
        handed_out(value)


def test_our_own_threads_use_the_caches_without_filling_the_log(caplog):
    """Read-ahead and the warmer call Streamlit's caches off a script run on purpose: its
    "missing ScriptRunContext" warning is dropped for them, kept for any other thread."""
    import threading

    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    import monitor.ui.data.cache  # noqa: F401 - installs the filter

    def ask(name: str) -> None:
        thread = threading.Thread(target=get_script_run_ctx, name=name)
        thread.start()
        thread.join()

    with caplog.at_level("WARNING"):
        ask("monitor-ahead_0")
        ask("monitor-cache-warmer")
        ask("someone-else")
    warned = [r.getMessage() for r in caplog.records if "ScriptRunContext" in r.getMessage()]
    assert len(warned) == 1 and "someone-else" in warned[0], warned


def test_a_read_ahead_asked_again_while_pending_is_queued_once(monkeypatch):
    import threading

    from monitor.ui.data import cache

    release, submitted, computed = threading.Event(), [], []

    @keyed()
    def slow(stamp):
        computed.append(stamp)
        release.wait(10)
        return stamp

    real_submit = cache._AHEAD.submit
    monkeypatch.setattr(cache._AHEAD, "submit",
                        lambda *a: submitted.append(a[1:3]) or real_submit(*a))
    stamp = f"version {next(_EXAMPLES)}"
    cache.prefetch([(slow, (stamp,))])
    cache.prefetch([(slow, (stamp,)), (slow, (stamp,))])       # still pending: not again
    assert submitted == [(slow, (stamp,))]
    release.set()
    assert slow(stamp) == stamp and computed == [stamp]         # waited for, not recomputed
    for _ in range(3000):                                       # the pool lets go of it
        if not cache._pending:
            break
        threading.Event().wait(0.01)
    assert not cache._pending
    cache.prefetch([(slow, (stamp,))])                          # done: may be asked again
    assert submitted == [(slow, (stamp,))] * 2
