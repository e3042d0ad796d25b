"""Roles and scopes: who sees what, applied where the data is read."""

from __future__ import annotations

import inspect
import tomllib
from importlib.metadata import version

import pandas as pd
import pytest
import streamlit as st
from packaging.version import Version
from pydantic import ValidationError

from monitor import access, metrics, privacy
from monitor.access import AccessDenied, Scope
from monitor.config import PROJECT_ROOT, Access, UserAccess
from monitor.db import Database
from monitor.ui import data


@pytest.fixture
def configured(settings):
    """Settings with a users table and claims off."""
    users = {
        "Super@District.org": {"role": "district"},
        "analyst@district.org": {"role": "district", "analyst": True},
        "cedar@district.org": {"role": "principal", "schools": ["0610011", "0610022"]},
        "board@district.org": {"role": "viewer"},
    }
    return settings.model_copy(update={"access": Access(demo=False, users=users)})


def test_roles_come_from_the_users_table_by_email(configured):
    assert access.resolve({"email": "super@district.org"}, configured) == Scope(role="district")
    analyst = access.resolve({"email": "ANALYST@district.org "}, configured)
    assert analyst.analyst and analyst.schools is None
    principal = access.resolve({"email": "cedar@district.org"}, configured)
    assert principal == Scope(role="principal", schools=("0610011", "0610022"))
    assert not principal.analyst
    viewer = access.resolve({"email": "board@district.org"}, configured)
    assert viewer.role == "viewer" and viewer.schools is None and not viewer.analyst
    assert access.resolve({"email": "stranger@example.com"}, configured) is None
    assert access.resolve({}, configured) is None


def test_roles_can_come_from_token_claims(configured):
    claims = configured.model_copy(update={"access": configured.access.model_copy(
        update={"role_claim": "role"})})
    principal = access.resolve({"email": "x@d.org", "role": "Principal",
                                "schools": ["0610033"]}, claims)
    assert principal == Scope(role="principal", schools=("0610033",))
    # One code as a string, or several separated by commas, work too.
    assert access.resolve({"role": "principal", "schools": "0610033, 0610044"},
                          claims).schools == ("0610033", "0610044")
    assert access.resolve({"role": "district", "analyst": "true"}, claims).analyst
    # A principal without schools, or an unknown role, has no access.
    assert access.resolve({"role": "principal"}, claims) is None
    assert access.resolve({"role": "superuser"}, claims) is None
    # Without the claim, the users table still answers.
    assert access.resolve({"email": "board@district.org"}, claims).role == "viewer"


def test_without_sign_in_only_the_demo_or_an_explicit_setting_runs(settings):
    demo = settings.model_copy(update={"access": Access(demo=True)})
    assert access.without_sign_in(demo) == Scope(role="district", analyst=True)
    real = settings.model_copy(update={"access": Access()})
    assert access.without_sign_in(real) is None
    allowed = settings.model_copy(update={"access": Access(allow_without_sign_in=True)})
    assert access.without_sign_in(allowed) == Scope(role="viewer")


def test_access_config_refuses_what_cannot_work():
    with pytest.raises(ValidationError, match="principal needs at least one school"):
        UserAccess(role="principal")
    with pytest.raises(ValidationError, match="only the district role can be an analyst"):
        UserAccess(role="viewer", analyst=True)
    with pytest.raises(ValidationError, match="use viewer or district"):
        Access(allow_without_sign_in=True, role_without_sign_in="principal")
    with pytest.raises(ValidationError):
        UserAccess(role="admin")


def test_scope_restricts_rows_to_the_district_and_its_schools():
    frame = pd.DataFrame({"scope": [privacy.DISTRICT, "A", "B", privacy.UNPLACED, None],
                          "value": [1, 2, 3, 4, 5]})
    principal = Scope(role="principal", schools=("A",))
    assert principal.restrict(frame, "scope")["value"].tolist() == [1, 2, 5]
    assert Scope(role="district").restrict(frame, "scope")["value"].tolist() == [1, 2, 3, 4, 5]
    assert principal.sees_school(None) and principal.sees_school("A")
    with pytest.raises(AccessDenied, match="school B"):
        principal.check_school("B")
    with pytest.raises(AccessDenied):
        Scope(role="viewer").check_analyst()


def _dummy(parameter: inspect.Parameter, settings):
    if parameter.name == "filters":
        return metrics.Filters(school_year=settings.current_school_year(), subject="ELA")
    if parameter.name == "years":
        return [settings.current_school_year()]
    return "1"


SCOPED = [name for name in data.__all__ if name not in ("settings", "stamp")]


@pytest.mark.parametrize("name", SCOPED)
def test_every_data_function_refuses_to_run_without_a_scope(name, settings, use_demo_db):
    function = getattr(data, name)
    parameters = list(inspect.signature(function).parameters.values())
    assert parameters[0].name == "scope", f"{name} must take the scope first"
    arguments = [_dummy(p, settings) for p in parameters[1:]]
    for missing in (None, "district", {"role": "district"}):
        with pytest.raises(AccessDenied, match="No access scope"):
            function(missing, *arguments)


def test_pages_read_data_only_through_the_scoped_functions():
    """No page reaches the database or the unscoped caches directly."""
    for path in [*(PROJECT_ROOT / "app_pages").glob("*.py"), PROJECT_ROOT / "app.py",
                 *(PROJECT_ROOT / "src/monitor/ui").glob("*.py")]:
        if path.name == "data.py" and path.parent.name == "ui":
            continue
        text = path.read_text()
        for forbidden in ("data._", "Database(", "duckdb", "measure_cells(", ".query("):
            assert forbidden not in text, f"{path.name} uses {forbidden}"


@pytest.fixture
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def test_a_principal_receives_only_their_school_and_the_district(settings, use_demo_db,
                                                                 fresh_caches):
    codes = Database(use_demo_db).query("schools")["school_code"].tolist()
    mine, other = codes[0], codes[1]
    principal = Scope(role="principal", schools=(mine,))
    f = metrics.Filters(school_year=settings.current_school_year(), subject="ELA")
    everyone = data.cells(Scope(role="district"), "benchmark", f)
    assert {mine, other} <= set(everyone["scope"])
    cells = data.cells(principal, "benchmark", f)
    assert set(cells["scope"]) == {mine, privacy.DISTRICT}
    table = data.measure_table(principal, "benchmark", f)
    assert set(table["school"]) == {mine, "district"}
    assert data.schools(principal)["school_code"].tolist() == [mine]
    assert set(data.coverage(principal, [f.school_year])["school_code"]) == {mine}
    rates = data.response_rates(principal, f, "student")
    assert set(rates["scope"]) <= {mine, privacy.DISTRICT}
    # Asking for another school is refused, not answered with less.
    for call in (lambda: data.cells(principal, "benchmark", f.model_copy(update={"school": other})),
                 lambda: data.measure_table(principal, "benchmark",
                                            f.model_copy(update={"school": other})),
                 lambda: data.level_transitions(principal, "benchmark",
                                                f.model_copy(update={"school": other}), "1", "2"),
                 lambda: data.peer_summary(principal, "benchmark",
                                           f.model_copy(update={"school": other}), "1", "High")):
        with pytest.raises(AccessDenied, match=other):
            call()
    # The district's cached whole-district result is not changed by the principal's view.
    assert {mine, other} <= set(data.cells(Scope(role="district"), "benchmark", f)["scope"])


def test_viewers_and_principals_get_no_student_level_rows(settings, use_demo_db, fresh_caches):
    for scope in (Scope(role="viewer"), Scope(role="principal", schools=("x",)),
                  Scope(role="district")):
        for call in (data.rejected_rows, data.table_row_counts, data.database_path):
            with pytest.raises(AccessDenied):
                call(scope)
    with pytest.raises(AccessDenied):
        data.loads_recent(Scope(role="viewer"))
    assert len(data.table_row_counts(Scope(role="district", analyst=True)))


def test_a_viewer_never_receives_a_suppressed_value(settings, use_demo_db, fresh_caches):
    viewer = Scope(role="viewer")
    f = metrics.Filters(school_year=settings.current_school_year(), subject="ELA")
    for measure in ("benchmark", "esgi", "survey"):
        cells = data.cells(viewer, measure, f if measure != "survey" else
                           f.model_copy(update={"subject": "student"}))
        hidden = cells[cells["suppressed"]]
        assert len(hidden), measure
        assert hidden[["value", "n_meeting", "ci_low", "ci_high"]].isna().all().all()
        shown = cells[~cells["suppressed"]]
        assert (shown["n"] >= settings.privacy.min_n).all()


def test_hardened_server_settings():
    assert Version(version("streamlit")) >= Version("1.61")
    config = tomllib.loads((PROJECT_ROOT / ".streamlit/config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert config["server"]["runOnSave"] is False
    assert config["server"]["maxUploadSize"] <= 200
