"""A principal's own pages, and every way to another school's data: every data function and
every page URL, refused with an access message, never answered with less."""

from __future__ import annotations

import inspect

import pytest
from streamlit.testing.v1 import AppTest

from monitor.access import AccessDenied, Scope
from monitor.config import PROJECT_ROOT
from monitor.measures import privacy, selection
from monitor.ui import data

from .tabs import open_charts, open_tables

APP = str(PROJECT_ROOT / "app.py")
PAGES = ["overview", "school", "groups", "learning_walks", "surveys", "cycles", "reflection",
         "goals"]
AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s",
                 "client_id": "c", "client_secret": "s",
                 "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}}


def principal_run(page: str, params: dict[str, str] | None = None,
                  email: str = "principal@district.org") -> AppTest:
    """A page as the signed-in `email` would get it (the principal of conftest's
    principal_config unless another user of its [access.users] is named)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets = dict(AUTH)
    # The identity token's claims as the provider in AUTH would send them.
    at.user = {"email": email, "email_verified": True,
               "iss": "http://127.0.0.1:9", "is_logged_in": True}
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    return at


def shown_text(at: AppTest) -> str:
    """Every word on the page, every chart's table among them (each one's tab opened)."""
    parts = [e.value for kind in ("title", "header", "subheader", "caption", "markdown")
             for e in at.get(kind)]
    for frame in open_tables(at).dataframe:
        parts.append(frame.value.to_csv())
    open_charts(at)
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page_name", PAGES)
@pytest.mark.parametrize("params", [{}, {"group": "el"}, {"grade": "7"},
                                    {"grade": "Middle (6-8)", "subject": "Math"},
                                    {"year": "2025-26"}])
def test_a_principal_sees_their_own_school(page_name, params, principal_config, schools):
    at = principal_run(page_name, params)
    assert not at.error, [e.value for e in at.error]
    if page_name == "reflection":        # the district's: the sidebar says the school is not used
        assert any(c.value.startswith("School: not used here") for c in at.sidebar.caption)
    else:
        fixed = at.sidebar.selectbox(key="f_school")
        assert fixed.value == principal_config and fixed.disabled
    names = dict(zip(schools["school_code"], schools["school_name"], strict=True))
    others = [name for code, name in names.items() if code != principal_config]
    text = shown_text(at)
    assert not [name for name in others if name in text]
    if page_name == "school":
        assert at.title[0].value == names[principal_config]


@pytest.mark.parametrize("page_name", PAGES)
def test_another_schools_url_is_an_access_message(page_name, principal_config, mine_and_other,
                                                  schools):
    _, other = mine_and_other
    at = principal_run("overview", {"school": other})
    assert any("does not include the school this link asks for" in e.value for e in at.error)
    assert not any(other in e.value for e in at.error)      # the link's words not echoed
    assert not at.get("plotly_chart") and not at.dataframe and not at.metric
    other_name = schools.set_index("school_code").loc[other, "school_name"]
    assert other_name not in shown_text(at)
    if page_name != "overview":
        with pytest.raises(Exception):  # noqa: B017 - no page is reachable past the refusal
            at.switch_page(f"app_pages/{page_name}.py").run()
            assert other_name not in shown_text(at)
            raise AssertionError("reached")


def _argument(parameter: inspect.Parameter, filters: selection.Filters):
    return {"filters": filters, "measure": "benchmark", "source": "benchmark",
            "start": "1", "end": "2", "window_id": "1", "level": "Middle",
            "school_year": filters.school_year, "survey": "student",
            "years": [filters.school_year], "loads": 10, "one_scope": True}[parameter.name]


TAKES_FILTERS = [name for name in data.__all__
                 if "filters" in inspect.signature(getattr(data, name)).parameters]


def test_every_data_function_that_takes_filters_is_swept():
    assert len(TAKES_FILTERS) >= 12, TAKES_FILTERS


@pytest.mark.parametrize("name", TAKES_FILTERS)
def test_every_data_function_refuses_another_school(name, settings, use_demo_db,
                                                    mine_and_other):
    mine, other = mine_and_other
    principal = Scope(role="principal", schools=(mine,))
    function = getattr(data, name)
    parameters = list(inspect.signature(function).parameters.values())[1:]
    theirs = selection.Filters(school_year=settings.current_school_year(), subject="ELA",
                               school=other)
    with pytest.raises(AccessDenied, match=other):
        function(principal, *[_argument(p, theirs) for p in parameters])
    # Their own school is answered, with nothing of another school's in it.
    own = theirs.model_copy(update={"school": mine})
    result = function(principal, *[_argument(p, own) for p in parameters])
    frames = result if isinstance(result, tuple) else (result,)
    for frame in frames:
        for column in ("scope", "school_code", "school"):
            if hasattr(frame, "columns") and column in frame.columns:
                assert set(frame[column].dropna()) <= {mine, privacy.DISTRICT, "district"}, (
                    name, column)


def test_functions_without_filters_answer_only_the_scope(settings, use_demo_db,
                                                         mine_and_other):
    mine, _ = mine_and_other
    principal = Scope(role="principal", schools=(mine,))
    assert data.schools(principal)["school_code"].tolist() == [mine]
    year = settings.current_school_year()
    assert set(data.coverage(principal, [year])["school_code"]) == {mine}
    for analysts_only in (data.table_row_counts, data.rejected_rows, data.database_path,
                          data.data_health, data.load_rejections, data.loads_recent):
        with pytest.raises(AccessDenied):
            analysts_only(principal)


@pytest.mark.parametrize(("claims", "reason"), [
    ({"email_verified": False}, "has not verified the e-mail address principal@district.org"),
    ({"iss": "http://127.0.0.1:10"}, "a provider this dashboard does not use"),
])
def test_a_refused_sign_in_says_why_and_shows_nothing(principal_config, claims, reason):
    """An unverified address (a token claiming principal@district.org) or another provider's
    token: the page says why, offers sign-out, and shows no data or navigation."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets = dict(AUTH)
    at.user = {"email": "principal@district.org", "email_verified": True,
               "iss": "http://127.0.0.1:9", "is_logged_in": True} | claims
    at.run()
    assert at.title[0].value == "Not signed in"
    assert any(reason in e.value for e in at.error)
    assert at.button(key="sign_out")
    assert not at.get("plotly_chart") and not at.dataframe and not at.metric
    assert not at.sidebar.selectbox
