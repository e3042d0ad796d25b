"""Who may see what: a user's scope, worked out from their identity and config.toml [access].

A `Scope` says which role a user has and which schools' rows they may receive. Every data
function in monitor.ui.data takes one and refuses to run without it, and applies it where the
data is read, so no page, URL parameter, widget value or export can widen it.

- district: every school; analysts also the Data page and student-level rows (rejected rows).
- principal: the district's aggregates and their own school(s), nothing of any other school.
- viewer (board, partners): district and school aggregates, always suppressed (as every
  aggregate is); no student-level rows, no Data page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from monitor import keys
from monitor.config import Role, Settings


class AccessDenied(PermissionError):
    """Raised where data is read when the user's scope does not allow it."""


class Scope(BaseModel):
    """What one user may see. Frozen, so it is part of every cache key."""

    model_config = ConfigDict(frozen=True)

    role: Role
    schools: tuple[str, ...] | None = None     # None: every school
    analyst: bool = False

    @property
    def label(self) -> str:
        if self.role == "principal":
            return f"Principal ({', '.join(self.schools or ())})"
        return {"district": "District analyst" if self.analyst else "District",
                "viewer": "Viewer (aggregates only)"}.get(self.role, self.role)

    def sees_school(self, school: str | None) -> bool:
        """True for the district (None) and for the schools in scope."""
        return school is None or self.schools is None or school in self.schools

    def check_school(self, school: str | None) -> None:
        if not self.sees_school(school):
            raise AccessDenied(f"Your access does not include school {school}.")

    def check_analyst(self) -> None:
        if not self.analyst:
            raise AccessDenied("Only district analysts see loads, rejected rows and row counts.")

    def restrict(self, frame: pd.DataFrame, column: str) -> pd.DataFrame:
        """The rows of `frame` this scope may see: the district's and its schools'.

        `column` holds a school code, or keys.DISTRICT / "district" / NULL for the district.
        Rows of students not placed at any school are district-only detail: left out for anyone
        limited to some schools.
        """
        if self.schools is None:
            return frame
        codes = frame[column]
        district = codes.isna() | codes.isin([keys.DISTRICT, "district"])
        return frame[district | codes.isin(self.schools)]


def require(scope: object) -> Scope:
    """The scope, or AccessDenied when there is none (a data function called without one)."""
    if not isinstance(scope, Scope):
        raise AccessDenied("No access scope: data is only read on behalf of a signed-in user.")
    return scope


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in {"true", "1", "yes"}


DISCOVERY = "/.well-known/openid-configuration"


def issuers_of(auth: Mapping[str, Any]) -> list[str]:
    """The issuers the sign-in configuration ([auth] of .streamlit/secrets.toml, with its
    named providers, [auth.<name>]) trusts: each provider's discovery address names its
    issuer (OpenID Connect Discovery: the issuer with /.well-known/openid-configuration)."""
    found = []
    sections = [auth, *(v for v in auth.values() if isinstance(v, Mapping))]
    for section in sections:
        url = str(section.get("server_metadata_url") or "")
        if url.endswith(DISCOVERY):
            found.append(url[: -len(DISCOVERY)].rstrip("/"))
    return found


def refusal(user: Mapping[str, Any], settings: Settings,
            issuers: list[str] | None = None) -> str | None:
    """Why this signed-in identity is refused before any role is looked up, in words for
    the person signing in; None when it passes. Checks (config.toml [access]): the token's
    issuer is one configured (`issuers`, else those of the sign-in configuration:
    `issuers_of`); its e-mail address counts only where verified (`email_verified`), unless
    its issuer is trusted for addresses; the address's domain and the Microsoft tenant are
    ones allowed, where lists are given."""
    config = settings.access
    issuer = str(user.get("iss") or "").rstrip("/")
    expected = [i.rstrip("/") for i in (config.issuers or issuers or [])]
    if expected and issuer not in expected:
        return ("your sign-in came from a provider this dashboard does not use"
                f"{f' ({issuer})' if issuer else ''}.")
    email = str(user.get("email") or "").strip().lower()
    trusted = issuer in [i.rstrip("/") for i in config.trusted_email_issuers]
    if email and config.require_verified_email and not trusted \
            and not _truthy(user.get("email_verified")):
        return (f"your sign-in provider has not verified the e-mail address {email}. Verify "
                "it with your provider (or ask the district's data team), then sign in again.")
    allowed = [d.strip().lower().lstrip("@") for d in config.allowed_domains if d.strip()]
    if allowed:
        domain = email.rsplit("@", 1)[-1] if "@" in email else ""
        if domain not in allowed:
            return (f"{email or 'this account'} is not an address of the district "
                    f"({', '.join('@' + d for d in allowed)}).")
    if config.allowed_tenants and str(user.get("tid") or "") not in config.allowed_tenants:
        return "this account belongs to another organisation's directory."
    return None


def resolve(user: Mapping[str, Any], settings: Settings) -> Scope | None:
    """The scope of a signed-in user from their identity-token claims: by the configured role
    claim when there is one and it is present, else by email in [access.users]. None: no
    access (an unknown user, or a principal without schools)."""
    config = settings.access
    if config.role_claim and user.get(config.role_claim) is not None:
        role = str(user[config.role_claim]).strip().lower()
        schools = _as_list(user.get(config.schools_claim))
        analyst = _truthy(user.get(config.analyst_claim))
    else:
        email = str(user.get("email") or "").strip().lower()
        entry = config.users.get(email) if email else None
        if entry is None:
            return None
        role, schools, analyst = entry.role, list(entry.schools), entry.analyst
    if role == "district":
        return Scope(role="district", schools=None, analyst=analyst)
    if role == "principal" and schools:
        return Scope(role="principal", schools=tuple(sorted(set(schools))))
    if role == "viewer":
        return Scope(role="viewer", schools=None)
    return None


def without_sign_in(settings: Settings) -> Scope | None:
    """The scope when no sign-in is configured: the demo district's users are district
    analysts; `allow_without_sign_in` gives everyone `role_without_sign_in`; otherwise None
    (the app refuses to start)."""
    config = settings.access
    if config.demo:
        return Scope(role="district", schools=None, analyst=True)
    if config.allow_without_sign_in:
        if config.role_without_sign_in == "district":
            return Scope(role="district", schools=None)
        return Scope(role="viewer", schools=None)
    return None
