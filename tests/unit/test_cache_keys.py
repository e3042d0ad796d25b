"""The caches' keys (monitor.ui.data.cache.keyed) are the text of their arguments: equal
arguments give one key, different ones different keys, and a value whose text is not exact is
refused rather than keyed by an address or a summary."""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.access import Scope
from monitor.measures.selection import Filters
from monitor.registry import MeasureId
from monitor.ui.data.cache import _key_text

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
