"""Sign-in through a real OpenID Connect provider (oidc-provider-mock on localhost), and what
each role can reach: by page, by URL parameter, by direct page URL and by download."""

from __future__ import annotations

import contextlib
import csv
import io
import os
from pathlib import Path

import oidc_provider_mock
import pytest
from playwright.sync_api import Page, expect

from monitor.config import PROJECT_ROOT
from monitor.db import Database
from monitor.serving.serve import COOKIE, Layout, Serving

from .conftest import READY_MS, free_port, running_server
from .room import walk_the_slides

ANALYST, SUPERINTENDENT, PRINCIPAL, VIEWER, STRANGER, IMPOSTOR = (
    "analyst@district.test", "superintendent@district.test", "principal@district.test",
    "board@district.test", "stranger@example.test", "impostor")
# A second principal, of another school (the last in the demo's list).
OTHER_PRINCIPAL = "principal2@district.test"


@pytest.fixture(scope="module")
def schools(demo_db):
    return Database(demo_db).query("schools")


@contextlib.contextmanager
def signin_files(folder: Path, port: int, mine: str, theirs: str | None = None):
    """A running provider and the dashboard's files for sign-in on `port`: config.toml with
    the users' roles (the principal's from the identity token's claims: custom claims reaching
    st.user) and secrets.toml pointing at the provider. Yields (env, Streamlit arguments)."""
    users = [oidc_provider_mock.User(sub=email, claims={"email": email, "email_verified": True})
             for email in (ANALYST, SUPERINTENDENT, VIEWER, STRANGER)]
    users.append(oidc_provider_mock.User(sub=PRINCIPAL, claims={
        "email": PRINCIPAL, "email_verified": True, "role": "principal", "schools": [mine]}))
    if theirs is not None:
        users.append(oidc_provider_mock.User(sub=OTHER_PRINCIPAL, claims={
            "email": OTHER_PRINCIPAL, "email_verified": True, "role": "principal",
            "schools": [theirs]}))
    # Someone whose token claims the superintendent's address, unverified.
    users.append(oidc_provider_mock.User(sub=IMPOSTOR, claims={
        "email": SUPERINTENDENT, "email_verified": False}))
    config = (PROJECT_ROOT / "config.toml").read_text().replace(
        "\ndemo = true\n", '\ndemo = false\nrole_claim = "role"\n')
    config += (f'\n[access.users]\n"{ANALYST}" = {{ role = "district", analyst = true }}\n'
               f'"{SUPERINTENDENT}" = {{ role = "district" }}\n'
               f'"{VIEWER}" = {{ role = "viewer" }}\n')
    (folder / "config.toml").write_text(config)
    with oidc_provider_mock.run_server_in_thread(user_claims=users) as provider:
        (folder / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            'cookie_secret = "a-test-cookie-secret-of-enough-length"\n'
            'client_id = "monitor"\nclient_secret = "test-secret"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}'
            '/.well-known/openid-configuration"\n')
        yield ({"MONITOR_CONFIG": str(folder / "config.toml")},
               ("--secrets.files", str(folder / "secrets.toml")))


@pytest.fixture(scope="module")
def signin_server(demo_db, schools, tmp_path_factory):
    """The dashboard with sign-in on."""
    folder = tmp_path_factory.mktemp("signin")
    mine, theirs = schools["school_code"].iloc[0], schools["school_code"].iloc[-1]
    port = free_port()
    with signin_files(folder, port, mine, theirs) as (env, args), \
            running_server(demo_db, folder / "streamlit.log", port=port, env=env, args=args):
        yield {"base": f"http://localhost:{port}", "mine": mine, "theirs": theirs}


def settled(page: Page) -> None:
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=READY_MS)
    page.wait_for_load_state("networkidle")


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base)
    page.get_by_role("button", name="Sign in").click()
    # The provider's own form: who to authorize as.
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/**", timeout=READY_MS)
    settled(page)


@pytest.mark.browser
def test_nothing_is_shown_before_sign_in(page: Page, signin_server):
    page.goto(signin_server["base"])
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=READY_MS)
    expect(page.locator(".js-plotly-plot")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    page.goto(f"{signin_server['base']}/school")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=READY_MS)
    expect(page.locator(".js-plotly-plot")).to_have_count(0)


@pytest.mark.browser
def test_an_analyst_sees_everything_including_the_data_page(page: Page, signin_server,
                                                            artifacts):
    base = signin_server["base"]
    sign_in(page, base, ANALYST)
    expect(page.get_by_text(f"Signed in as {ANALYST}")).to_be_visible()
    expect(page.get_by_role("combobox", name="School", exact=True)).to_have_value("All schools (district)")
    page.get_by_role("link", name="Data").click()
    expect(page.get_by_role("heading", name="Load export files")).to_be_visible(timeout=READY_MS)
    page.screenshot(path=artifacts / "signin-analyst-data.png")


@pytest.mark.browser
def test_an_unverified_address_is_refused_with_the_reason(page: Page, signin_server,
                                                          artifacts):
    """A real provider's token that claims the superintendent's address without having
    verified it: refused at sign-in, saying why, with nothing of the district shown."""
    base = signin_server["base"]
    sign_in(page, base, IMPOSTOR)
    expect(page.get_by_role("heading", name="Not signed in")).to_be_visible()
    expect(page.get_by_text(f"has not verified the e-mail address {SUPERINTENDENT}")
           ).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.screenshot(path=artifacts / "signin-unverified-refused.png")


@pytest.mark.browser
def test_a_superintendent_has_no_data_page(page: Page, signin_server):
    base = signin_server["base"]
    sign_in(page, base, SUPERINTENDENT)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=READY_MS)
    expect(page.get_by_role("link", name="Data")).to_have_count(0)
    page.goto(f"{base}/data")
    settled(page)
    expect(page.get_by_role("heading", name="Load export files")).to_have_count(0)


@pytest.mark.browser
def test_a_principal_reaches_only_their_school(page: Page, signin_server, schools, tmp_path,
                                              artifacts):
    base, mine = signin_server["base"], signin_server["mine"]
    names = schools.set_index("school_code")["school_name"]
    other = schools["school_code"].iloc[1]
    sign_in(page, base, PRINCIPAL)
    school = page.get_by_role("combobox", name="School", exact=True)
    expect(school).to_have_value(names[mine])
    expect(school).to_be_disabled()
    expect(page.get_by_role("link", name="Data")).to_have_count(0)
    page.screenshot(path=artifacts / "signin-principal.png")

    # A download holds their school and nothing of any other.
    buttons = page.get_by_role("button", name="Download CSV")
    expect(buttons.nth(1)).to_be_visible(timeout=READY_MS)
    with page.expect_download() as download:
        buttons.nth(1).click()
    rows = list(csv.DictReader(io.StringIO(
        Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [row["School"] for row in rows] == [names[mine]]

    # Another school's code in the URL: an access message, no data.
    for path in (f"/school?school={other}", f"/?school={other}&subject=Math"):
        page.goto(base + path)
        settled(page)
        expect(page.get_by_text("Your access does not include the school this link asks "
                                "for")).to_be_visible()
        expect(page.locator(".js-plotly-plot")).to_have_count(0)
        expect(page.get_by_text(names[other])).to_have_count(0)
    page.screenshot(path=artifacts / "signin-principal-other-school.png")

    # The Data page's URL does not open it.
    page.goto(f"{base}/data")
    settled(page)
    expect(page.get_by_role("heading", name="Load export files")).to_have_count(0)
    expect(page.get_by_text("Rejected rows")).to_have_count(0)


@pytest.mark.browser
def test_a_viewer_sees_aggregates_and_no_data_page(page: Page, signin_server):
    base = signin_server["base"]
    sign_in(page, base, VIEWER)
    expect(page.get_by_text("Viewer (aggregates only)")).to_be_visible()
    expect(page.get_by_role("link", name="Data")).to_have_count(0)
    expect(page.get_by_role("heading", name="What moved")).to_have_count(0)
    expect(page.get_by_role("heading", name="Nothing moved")).to_have_count(0)
    page.goto(f"{base}/groups")
    settled(page)
    expect(page.get_by_role("heading", name="Student groups")).to_be_visible()
    # Small groups are shown as n<10 with no value.
    expect(page.locator(".js-plotly-plot").get_by_text("n<10").first).to_be_attached()


@pytest.mark.browser
def test_an_unknown_user_gets_no_access_and_can_sign_out(page: Page, signin_server):
    base = signin_server["base"]
    sign_in(page, base, STRANGER)
    expect(page.get_by_role("heading", name="No access")).to_be_visible()
    expect(page.get_by_text(STRANGER)).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    # Streamlit ends the session at the provider too (RP-initiated logout), then comes back.
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{base}/**", timeout=READY_MS)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=READY_MS)
    page.goto(f"{base}/school")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=READY_MS)
    expect(page.get_by_role("heading", name="No access")).to_have_count(0)


@pytest.mark.browser
def test_sign_in_through_nginx_holds_when_its_worker_goes(page: Page, demo_db, schools,
                                                          tmp_path):
    """Two workers behind nginx: a principal signs in through nginx, then the worker that
    served them dies; the other worker takes them on, still signed in (the sign-in cookie is
    good on every worker) and still held to their school."""
    mine = schools["school_code"].iloc[0]
    names = schools.set_index("school_code")["school_name"]
    port = free_port()
    with signin_files(tmp_path, port, mine) as (env, args):
        serving = Serving(Layout((free_port(), free_port()), port=port, address="127.0.0.1"),
                          tmp_path / "run", env=os.environ | {"MONITOR_DB": str(demo_db)} | env,
                          args=args)
        serving.start()
        try:
            base = f"http://localhost:{port}"
            sign_in(page, base, PRINCIPAL)
            school = page.get_by_role("combobox", name="School", exact=True)
            expect(school).to_have_value(names[mine])
            session = next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE)
            page.reload()
            settled(page)
            served = serving.worker_for(session)
            victim = int(served.rsplit(":", 1)[1])
            serving.workers[victim].kill()
            serving.workers[victim].wait()
            page.reload()
            settled(page)
            now = serving.worker_for(session)
            assert now != served
            expect(page.get_by_text(f"Signed in as {PRINCIPAL}")).to_be_visible()
            expect(school).to_have_value(names[mine])
            expect(school).to_be_disabled()
        finally:
            serving.stop()


@pytest.mark.browser
@pytest.mark.parametrize("who", [PRINCIPAL, OTHER_PRINCIPAL])
def test_a_principals_debrief_fits_the_room_and_holds_only_their_school(
        page: Page, signin_server, schools, artifacts, who):
    """Signed in as each of two principals, the debrief in presentation mode: every slide fits
    the room at both sizes, the schools slide sets their school beside the district (they see
    no other school), and no other school's name is on any slide."""
    base = signin_server["base"]
    mine = signin_server["mine" if who == PRINCIPAL else "theirs"]
    names = schools.set_index("school_code")["school_name"]
    sign_in(page, base, who)
    titles = walk_the_slides(page, f"{base}/learning_walks", artifacts,
                             f"room-principal-{mine}")
    assert names[mine] in titles[0]
    assert any(f"{names[mine]} " in t and "district's" in t for t in titles), titles
    shown = page.locator(".stMain").inner_text()
    for code, name in names.items():
        if code != mine:
            assert name not in " ".join(titles) and name not in shown
