"""Sign-in through Streamlit's OpenID Connect (st.login / st.user), and the user's scope.

Sign-in is on when .streamlit/secrets.toml has an [auth] section. Without it, the app runs only
for the demo district (with a banner saying so) or when config.toml [access] explicitly allows
it; any other configuration refuses to start.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from monitor import access, text
from monitor.access import Scope
from monitor.config import Settings

APP_ICON = str(Path(__file__).with_name("app_icon.png"))


def sign_in_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:           # no secrets file at all: Streamlit raises on first access
        return False


def _auth_secrets() -> dict:
    try:
        return st.secrets["auth"].to_dict()
    except Exception:           # no secrets file, or no [auth]
        return {}


def scope_or_stop(settings: Settings) -> Scope:
    """The signed-in user's scope; or the sign-in screen, a no-access page or a refusal to
    start, and st.stop()."""
    if sign_in_configured():
        if not st.user.is_logged_in:
            st.title("District progress monitor", anchor=False)
            st.write(f"{text.markdown(settings.district.name)}: student results are protected "
                     "records. Sign in with your district account to continue.")
            st.button("Sign in", on_click=st.login, type="primary", icon=":material/login:",
                      key="sign_in")
            st.stop()
        user = st.user.to_dict()
        refused = access.refusal(user, settings, access.issuers_of(_auth_secrets()))
        if refused is not None:
            st.title("Not signed in", anchor=False)
            st.error(text.markdown(f"This dashboard cannot accept this sign-in: {refused}"),
                     icon=":material/lock:")
            st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out")
            st.stop()
        scope = access.resolve(user, settings)
        if scope is None:
            email = st.user.get("email") or "this account"
            st.title("No access", anchor=False)
            st.info(f"You are signed in as {text.markdown(email)}, which has no access to this "
                    "dashboard. Ask the district's data team to add you.", icon=":material/lock:")
            st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out")
            st.stop()
        return scope
    scope = access.without_sign_in(settings)
    if scope is None:
        st.error("The dashboard will not start without sign-in: configure OpenID Connect in "
                 ".streamlit/secrets.toml [auth] (see README, \"Sign-in and access\"), or, only "
                 "for data that is not about real students, set allow_without_sign_in = true "
                 "under [access] in config.toml.", icon=":material/lock:")
        st.stop()
    if st.query_params.get("present") == "1":
        pass                    # a projected slide carries no app chrome; its caption says demo
    elif settings.access.demo:
        st.warning("**Demo data, no sign-in.** This is a synthetic district: no real students. "
                   "A district's own data needs sign-in.", icon=":material/science:")
    else:
        st.warning(f"**No sign-in** (allowed by config.toml): everyone sees what a "
                   f"{scope.role} sees.", icon=":material/lock_open:")
    return scope


def render_account(settings: Settings, scope: Scope) -> None:
    """Who is signed in, with what access, and the sign-out button."""
    with st.sidebar:
        if sign_in_configured() and st.user.is_logged_in:
            who = st.user.get("email") or st.user.get("name") or "you"
            st.caption(f"Signed in as {text.markdown(who)} · {text.markdown(scope.label)}")
            st.button("Sign out", on_click=st.logout, icon=":material/logout:",
                      key="sidebar_sign_out")
        else:
            st.caption(f"No sign-in · {scope.label}")
