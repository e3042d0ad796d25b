"""The shared sidebar filters, kept in the URL so a link reproduces the view.

Session state holds only the user's choices (widget keys below); the URL query string mirrors
them so a copied link opens the same view, and they persist as the user moves between pages.
"""

from __future__ import annotations

import streamlit as st

from monitor import text
from monitor.access import AccessDenied, Scope, require
from monitor.config import Settings
from monitor.keys import GRADE_BANDS, GRADE_ORDER
from monitor.measures import selection
from monitor.school_years import previous_school_year
from monitor.ui import data

ALL = "__all__"
SCOPE_KEY = "_monitor_scope"
PAGE_PARAMS = ("present", "slide", "observed")
KEYS = {"year": "f_year", "school": "f_school", "subject": "f_subject", "grade": "f_grade",
        "group": "f_group", "window": "f_window"}

HELP = {"window": "Show every page as it stood at the end of a benchmark window: later windows "
                  "are left out, and tiles and status use the latest window up to then."}


def _chosen_year(settings: Settings, years: dict[str, str]) -> str:
    """The school year this run shows: the user's choice, else the URL's, else the current."""
    for value in (st.session_state.get(KEYS["year"]), st.query_params.get("year")):
        if value in years:
            return value
    return settings.current_school_year()


def _options(settings: Settings, scope: Scope) -> dict[str, dict[str, str]]:
    current = settings.current_school_year()
    years = {current: current, previous_school_year(current): previous_school_year(current)}
    schools = data.schools(scope)
    # A principal's school filter holds only their school(s): the district is a comparison on
    # their pages, not a view of its own.
    everyone = {} if scope.schools else {ALL: "All schools (district)"}
    return {
        "year": years,
        "school": everyone | dict(zip(schools["school_code"], schools["school_name"],
                                      strict=True)),
        "subject": {"ELA": "ELA", "Math": "Math"},
        "grade": {ALL: "All grades"} | {band: band for band in GRADE_BANDS}
        | {g: f"Grade {g}" for g in GRADE_ORDER},
        "group": dict(settings.group_labels),
        # Only windows that have opened by the as-of date in the year shown: a window still to
        # come has nothing to show "through".
        "window": {ALL: "Latest results"} | {
            w: f"Through {label}" for w, label in selection.window_choices(
                settings, _chosen_year(settings, years)).items()},
    }


def _seed_from_url(options: dict[str, dict[str, str]], scope: Scope) -> None:
    """On a session's first run, take the filters from the URL where they are valid. A school
    outside the user's scope is refused with an access message, not quietly replaced."""
    requested = st.query_params.get("school")
    if requested is not None and not scope.sees_school(requested):
        st.query_params.clear()
        # The link's own words are never repeated back: a crafted link could put anything
        # there ("sign in again at ...").
        raise AccessDenied("Your access does not include the school this link asks for.")
    if st.session_state.get("_filters_seeded"):
        return
    for name, key in KEYS.items():
        value = st.query_params.get(name)
        if value is not None and value in options[name]:
            st.session_state[key] = value
    st.session_state["_filters_seeded"] = True


def render_sidebar(settings: Settings, scope: Scope,
                   unused: dict[str, str] | None = None) -> selection.Filters:
    """Draw the shared filters in the sidebar; return them as a frozen Filters. `unused` names
    filters the page does not read, with why: they are not offered there (the sidebar says
    why) and keep their value for the next page."""
    unused = unused or {}
    options = _options(settings, require(scope))
    _seed_from_url(options, scope)
    labels = {"year": "School year", "school": "School", "subject": "Subject", "grade": "Grade",
              "group": "Student group",
              "window": "Window"}
    with st.sidebar:
        st.markdown(f"**{text.markdown(settings.district.name)}**")
        for name, key in KEYS.items():
            choices = options[name]
            if st.session_state.get(key) not in choices:
                st.session_state[key] = next(iter(choices))
            # One choice (a principal's one school) is fixed: disabled, enforced by the server.
            if name in unused:
                # Not drawn, but kept: a widget not drawn in a run loses its value unless it
                # is set again, and the next page reads it.
                st.session_state[key] = st.session_state[key]
                st.caption(f"{labels[name]}: not used here. {unused[name]}")
                continue
            st.selectbox(labels[name], list(choices), key=key, format_func=choices.__getitem__,
                         help=HELP.get(name), disabled=len(choices) == 1)
    chosen = {name: st.session_state[key] for name, key in KEYS.items()}
    defaults = {name: next(iter(options[name])) for name in KEYS}
    # Page parameters (the learning walks' presentation mode and slide) ride along.
    kept = {k: st.query_params[k] for k in PAGE_PARAMS if k in st.query_params}
    st.query_params.from_dict({k: v for k, v in chosen.items() if v != defaults[k]} | kept)
    return selection.Filters(
        school_year=chosen["year"],
        school=None if chosen["school"] == ALL else chosen["school"],
        subject=chosen["subject"],
        grade=None if chosen["grade"] == ALL else chosen["grade"],
        group=chosen["group"],
        window=None if chosen["window"] == ALL else chosen["window"],
    )


OBSERVED_KEY = "f_observed"


def observed_subject(subjects: list[str]) -> str | None:
    """The learning walks' subject observed (None = all subjects, the default), seeded from the
    URL's `observed` parameter; an unknown subject in the URL falls back to all."""
    if OBSERVED_KEY not in st.session_state:
        requested = st.query_params.get("observed")
        st.session_state[OBSERVED_KEY] = requested if requested in subjects else ALL
    if st.session_state[OBSERVED_KEY] not in [ALL, *subjects]:
        st.session_state[OBSERVED_KEY] = ALL
    chosen = st.session_state[OBSERVED_KEY]
    return None if chosen == ALL else chosen


def render_observed_subject(subjects: list[str]) -> None:
    """The learning walks' own subject choice (the sidebar's Subject is for student results);
    kept in the URL as `observed`."""
    def remember() -> None:
        chosen = st.session_state[OBSERVED_KEY]
        if chosen == ALL:
            st.query_params.pop("observed", None)
        else:
            st.query_params["observed"] = chosen
    st.selectbox("Subject observed", [ALL, *subjects], key=OBSERVED_KEY, on_change=remember,
                 format_func=lambda s: "All subjects" if s == ALL else s,
                 help="Learning walks visit every classroom: by default every subject observed "
                      "is pooled. Choose one to see its classrooms alone.")


def current() -> selection.Filters:
    """The filters app.py drew this run."""
    return st.session_state["filters"]


def scope() -> Scope:
    """The user's scope, worked out by app.py this run from their identity."""
    return require(st.session_state.get(SCOPE_KEY))
