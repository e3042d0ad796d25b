"""Cached access to the core for pages: the only place pages get data from.

Streamlit's data cache is shared by every session, so every cached function takes everything
that decides its answer as arguments: the database stamp (changes when a load replaces the
file), the measure and the frozen Filters.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import metrics
from monitor.config import Settings, load_settings
from monitor.db import Database


@st.cache_resource
def settings() -> Settings:
    return load_settings()


@st.cache_resource
def database() -> Database:
    return Database()


def stamp() -> tuple[int, int]:
    return database().stamp()


@st.cache_data(show_spinner=False, max_entries=256)
def _cells(db_stamp: tuple[int, int], measure: str, filters: metrics.Filters) -> pd.DataFrame:
    return metrics.measure_cells(database(), settings(), measure, filters)


def cells(measure: str, filters: metrics.Filters) -> pd.DataFrame:
    """Counts behind a measure for the filters' year and the year before (all schools)."""
    # All schools and groups in one result: pages slice it, so switching school is a cache hit.
    return _cells(stamp(), measure, _plain(filters))


def _plain(filters: metrics.Filters, **keep) -> metrics.Filters:
    """The filters a whole-district result depends on: school, group and window are applied
    by the pages to the cached result, so switching them is a cache hit."""
    return filters.model_copy(update={"school": None, "group": "all", "window": None} | keep)


@st.cache_data(show_spinner=False)
def _query(db_stamp: tuple[int, int], name: str, params: tuple = ()) -> pd.DataFrame:
    return database().query(
        name, {k: list(v) if isinstance(v, tuple) else v for k, v in params})


def query(name: str, **params) -> pd.DataFrame:
    """A named query from monitor/queries with bound parameters, cached per database stamp."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _query(stamp(), name, frozen)


def schools() -> pd.DataFrame:
    return query("schools")


@st.cache_data(show_spinner=False, max_entries=64)
def _caaspp(db_stamp: tuple[int, int], filters: metrics.Filters, school_year: str) -> pd.DataFrame:
    return metrics.caaspp_comparison(database(), settings(), filters, school_year)


def caaspp_comparison(filters: metrics.Filters, school_year: str) -> pd.DataFrame:
    return _caaspp(stamp(), _plain(filters, group=filters.group), school_year)


@st.cache_data(show_spinner=False, max_entries=64)
def _catching_up(db_stamp, measure: str, filters: metrics.Filters, start: str, end: str):
    return metrics.catching_up(database(), settings(), measure, filters, start, end)


def catching_up(measure: str, filters: metrics.Filters, start: str, end: str) -> pd.DataFrame:
    return _catching_up(stamp(), measure, _plain(filters), start, end)


@st.cache_data(show_spinner=False, max_entries=64)
def _transitions(db_stamp, source: str, filters: metrics.Filters, start: str, end: str):
    return metrics.level_transitions(database(), settings(), source, filters, start, end)


def level_transitions(source: str, filters: metrics.Filters, start: str,
                      end: str) -> pd.DataFrame:
    return _transitions(stamp(), source, filters.model_copy(update={"window": None}), start, end)


@st.cache_data(show_spinner=False, max_entries=64)
def _measure_table(db_stamp, measure: str, filters: metrics.Filters) -> pd.DataFrame:
    cells = _cells(db_stamp, measure, filters)
    return metrics.measure_table(cells, settings(), measure, filters.subject, filters.grade)


def measure_table(measure: str, filters: metrics.Filters) -> pd.DataFrame:
    """The measures table (values, targets, status, changes, projection, flags) of a measure."""
    return _measure_table(stamp(), measure, _plain(filters))


@st.cache_data(show_spinner=False, max_entries=32)
def _item_cells(db_stamp, filters: metrics.Filters) -> pd.DataFrame:
    return metrics.measure_cells(database(), settings(), "survey", filters, survey_items=True)


def survey_item_cells(filters: metrics.Filters) -> pd.DataFrame:
    """The survey's cells per item (detail = item id) instead of per construct."""
    return _item_cells(stamp(), _plain(filters))


def response_rates(filters: metrics.Filters, survey: str) -> pd.DataFrame:
    """Respondents per school and window of the filters' year, with enrolment (student survey)."""
    return metrics.response_rates(
        query("survey_response_rates", year=filters.school_year, survey=survey,
              group=filters.group), settings(), filters.group)
