"""Roles and scopes: who sees what, applied where the data is read."""

from __future__ import annotations

import ast
import tomllib
from importlib.metadata import version

import pandas as pd
import pytest
from packaging.version import Version
from pydantic import ValidationError

from monitor import access
from monitor.access import AccessDenied, Scope
from monitor.config import PROJECT_ROOT, Access, UserAccess
from monitor.measures import privacy


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


ISSUER = "https://login.district.test"


def _with(settings, **access_settings):
    return settings.model_copy(update={"access": settings.access.model_copy(
        update=access_settings)})


def test_an_unverified_email_signs_in_as_no_one(configured):
    """The users table is keyed by e-mail: an address the provider has not verified is
    anyone's to type, so it signs in as no one, with the reason said."""
    verified = {"iss": ISSUER, "email": "cedar@district.org", "email_verified": True}
    assert access.refusal(verified, configured, [ISSUER]) is None
    for flag in (False, "false", None):
        claimed = verified | {"email_verified": flag}
        reason = access.refusal(claimed, configured, [ISSUER])
        assert reason and "not verified the e-mail address cedar@district.org" in reason
    # A provider that vouches for every address it issues, without saying so.
    trusted = _with(configured, trusted_email_issuers=[ISSUER + "/"])
    assert access.refusal(verified | {"email_verified": None}, trusted, [ISSUER]) is None
    # Configured off, for a provider of role claims only.
    lax = _with(configured, require_verified_email=False)
    assert access.refusal(verified | {"email_verified": False}, lax, [ISSUER]) is None


@pytest.mark.parametrize(("claims", "rules", "refused"), [
    ({"iss": "https://evil.test"}, {}, "a provider this dashboard does not use"),
    ({"iss": ""}, {}, "a provider this dashboard does not use"),
    ({"iss": "https://other.test"}, {"issuers": ["https://other.test"]}, None),
    ({"email": "a@gmail.test"}, {"allowed_domains": ["@District.org"]},
     "not an address of the district (@district.org)"),
    ({"email": "a@district.org"}, {"allowed_domains": ["district.org"]}, None),
    ({"tid": "other-tenant"}, {"allowed_tenants": ["our-tenant"]}, "another organisation"),
    ({"tid": "our-tenant"}, {"allowed_tenants": ["our-tenant"]}, None),
])
def test_the_issuer_the_domain_and_the_tenant_are_checked(configured, claims, rules, refused):
    user = {"iss": ISSUER, "email": "a@district.org", "email_verified": True} | claims
    reason = access.refusal(user, _with(configured, **rules), [ISSUER])
    assert (reason is None) if refused is None else (refused in reason)


def test_the_issuer_comes_from_the_sign_in_configuration():
    auth = {"client_id": "x", "server_metadata_url": f"{ISSUER}/.well-known/openid-configuration",
            "microsoft": {"server_metadata_url": "https://login.microsoftonline.com/t/v2.0/"
                                                 ".well-known/openid-configuration"}}
    assert access.issuers_of(auth) == [ISSUER, "https://login.microsoftonline.com/t/v2.0"]
    assert access.issuers_of({}) == []


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


# Where pages may get data from: the scoped functions of monitor.ui.data, nothing else.
# What reads the database says so in its name (monitor.db, monitor.views.reads): pages import none.
FORBIDDEN_MODULES = ("duckdb", "monitor.db", "monitor.views.reads", "monitor.views.movement",
                     "monitor.views.state_test")
FORBIDDEN_NAMES = {"measure_cells", "catching_up", "level_transitions",
                   "caaspp_comparison", "Database", "run_query"}
FORBIDDEN_METHODS = {"query", "execute", "sql", "connect", "connection"}


# The rooms behind monitor.ui.data's door (its modules): pages import only the door.
DATA_INSIDES = {"cache", "results", "writing", "analysts", "page_source"}


def reaches_around_the_scope(source: str) -> list[str]:
    """Each way a page's source reads data other than through monitor.ui.data's public,
    scoped functions: importing the database layer, calling a query, or touching a private
    name of monitor.ui.data (attribute, from-import, getattr), under any alias."""
    tree = ast.parse(source)
    found: list[str] = []
    data_aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(FORBIDDEN_MODULES):
                    found.append(f"import {alias.name}")
                if alias.name == "monitor.ui.data":
                    data_aliases.add(alias.asname or "monitor")
                if alias.name.startswith("monitor.ui.data."):
                    found.append(f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.startswith(FORBIDDEN_MODULES):
                # The database's problems (exceptions) may be caught; nothing else imported.
                found.extend(f"from {module} import {alias.name}" for alias in node.names
                             if not alias.name.startswith("Database")
                             or alias.name == "Database")
            for alias in node.names:
                if f"{module}.{alias.name}" in FORBIDDEN_MODULES:
                    found.append(f"from {module} import {alias.name}")
                if module == "monitor.ui" and alias.name == "data":
                    data_aliases.add(alias.asname or "data")
                if module.startswith("monitor.ui.data.") or (
                        module == "monitor.ui.data" and alias.name in DATA_INSIDES):
                    found.append(f"from {module} import {alias.name}")
                if module == "monitor.ui.data" and alias.name.startswith("_"):
                    found.append(f"from monitor.ui.data import {alias.name}")
                if alias.name in FORBIDDEN_NAMES:
                    found.append(f"from {module} import {alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if (isinstance(node.value, ast.Name) and node.value.id in data_aliases
                    and node.attr.startswith("_")):
                found.append(f"{node.value.id}.{node.attr}")
            if node.attr in FORBIDDEN_NAMES and not (
                    isinstance(node.value, ast.Name) and node.value.id in data_aliases):
                found.append(f".{node.attr}")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in FORBIDDEN_METHODS:
                found.append(f".{func.attr}()")
            if (isinstance(func, ast.Name) and func.id == "getattr" and node.args
                    and isinstance(node.args[0], ast.Name) and node.args[0].id in data_aliases):
                found.append(f"getattr({node.args[0].id}, ...)")
    return found


PAGE_SOURCES = [*sorted((PROJECT_ROOT / "app_pages").glob("*.py")), PROJECT_ROOT / "app.py",
                # monitor.ui's modules; its data package (the door itself) is not among them
                *sorted((PROJECT_ROOT / "src/monitor/ui").glob("*.py"))]


@pytest.mark.parametrize("path", PAGE_SOURCES, ids=lambda p: p.name)
def test_pages_read_data_only_through_the_scoped_functions(path):
    assert reaches_around_the_scope(path.read_text()) == []


@pytest.mark.parametrize("source", [
    "from monitor.ui import data\ndata._raw_cells(1, 'benchmark', f)",
    "from monitor.ui import data as d\nd._raw_cells(1)",
    "import monitor.ui.data as d\nd._query('schools')",
    "from monitor.ui.data import _raw_cells\n_raw_cells(1)",
    "from monitor.ui.data.cache import _raw_cells\n_raw_cells(1)",
    "from monitor.ui.data import cache\ncache._query('schools')",
    "import monitor.ui.data.results as r\nr.cells(None, 'benchmark', f)",
    "from monitor.ui import data\ngetattr(data, '_raw_cells')(1)",
    "import duckdb\nduckdb.connect('x')",
    "from monitor.db import Database\nDatabase().query('schools')",
    "from monitor.views import reads\nreads.measure_cells(db, s, 'benchmark', f)",
    "from monitor.views.reads import measure_cells as cells\ncells(db)",
    "from monitor.views import reads\nreads.LINKED_SCHOOLS_MAX",
    "from monitor import db\ndb.Database()",
    "import monitor.views.reads",
    "con.execute('SELECT 1')",
])
def test_the_scope_check_sees_every_way_round(source):
    assert reaches_around_the_scope(source), source


def test_hardened_server_settings():
    assert Version(version("streamlit")) >= Version("1.61")
    config = tomllib.loads((PROJECT_ROOT / ".streamlit/config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert config["server"]["runOnSave"] is False
    # Served to many: no per-session file watchers, no full collection after every run.
    assert config["server"]["fileWatcherType"] == "none"
    assert config["runner"]["postScriptGC"] is False
    assert config["server"]["maxUploadSize"] <= 200
