"""The chart factories of monitor.present.charts, memoised: a warm rerun reuses the figure built for
the same data instead of building it again (Plotly validates every property it is given, and
that was most of a warm page run once the data was cached).

Keyed on a digest of the factory's arguments by content (frames by their pickle,
everything else by its repr), so sessions showing the same data share one figure. Nothing
changes a figure after it is built: Streamlit serialises a copy, and a slide or a PNG is drawn
from a copy. Streamlit's own st.cache_resource would do the same, but its general-purpose
hashing of the arguments cost as much as building the figure.
"""

from __future__ import annotations

import functools
import hashlib
import pickle  # nosec B403 - only dumps (a digest of our own frames), never loads
import threading
from collections import OrderedDict

import pandas as pd

from monitor.present import charts

MAX_FIGURES = 256


def _digest(value: object, into) -> None:
    if isinstance(value, pd.DataFrame | pd.Series):
        # Its pickle: every value, dtype, column and index, so equal digests are equal frames
        # (the same content laid out otherwise only misses the memo). Twenty times faster
        # than pandas' row hashes on a chart's frame of Arrow strings, which were a sixth of a
        # principal's warm School page.
        into.update(pickle.dumps(value, protocol=5))
    elif isinstance(value, list | tuple):
        into.update(f"{type(value).__name__}{len(value)}".encode())
        for item in value:
            _digest(item, into)
    elif isinstance(value, dict):
        into.update(f"dict{len(value)}".encode())
        for key, item in value.items():
            _digest(key, into)
            _digest(item, into)
    else:                           # text, numbers, dates, None: their repr is exact
        into.update(f"{type(value).__name__}:{value!r}".encode())


def _memoised(factory):
    figures: OrderedDict[bytes, object] = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(factory)
    def cached(*args, **kwargs):
        hasher = hashlib.blake2b(digest_size=20)
        _digest((args, sorted(kwargs.items())), hasher)
        key = hasher.digest()
        with lock:
            if key in figures:
                figures.move_to_end(key)
                return figures[key]
        figure = factory(*args, **kwargs)
        with lock:
            figures[key] = figure
            while len(figures) > MAX_FIGURES:
                figures.popitem(last=False)
        return figure
    return cached


goal_trajectory_chart = _memoised(charts.goal_trajectory_chart)
school_status_chart = _memoised(charts.school_status_chart)
group_gap_chart = _memoised(charts.group_gap_chart)
detail_chart = _memoised(charts.detail_chart)
comparison_chart = _memoised(charts.comparison_chart)
calendar_strip_chart = _memoised(charts.calendar_strip_chart)
dashboard_grid_chart = _memoised(charts.dashboard_grid_chart)
gap_change_chart = _memoised(charts.gap_change_chart)
rating_chart = _memoised(charts.rating_chart)
leading_lagging_chart = _memoised(charts.leading_lagging_chart)
observer_chart = _memoised(charts.observer_chart)
