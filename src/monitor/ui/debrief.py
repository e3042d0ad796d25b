"""The learning walk's debrief on the page: monitor.views.walks read through the pages'
caches (monitor.ui.data.PageSource), the slides computed once per walk, filters and scope."""

from __future__ import annotations

from monitor.access import Scope
from monitor.config import Settings
from monitor.measures import selection
from monitor.present.debrief import Slide
from monitor.ui import data
from monitor.views import walks
from monitor.views.walks import Walk, caption  # noqa: F401 - the pages' names for them


def current_walk(settings: Settings, f: selection.Filters, scope: Scope) -> Walk | None:  # noqa: ARG001
    """The latest walk of the filters' year with observations (up to the window filter)."""
    return walks.current_walk(data.PageSource(scope), f)


@data.view
def _slides(scope: Scope, f: selection.Filters, window_id: str,
            written: tuple[str, int]) -> list[Slide]:  # noqa: ARG001 - the store's version
    source = data.PageSource(scope)
    return walks.slides(source, f, walks.current_walk(source, f, window_id))


def slides(settings: Settings, f: selection.Filters, scope: Scope,  # noqa: ARG001
           walk: Walk) -> list[Slide]:
    """The walk's slides (monitor.views.walks.slides), cached."""
    return _slides(scope, f, walk.window_id, data.store_version())
