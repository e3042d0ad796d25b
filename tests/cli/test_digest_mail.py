"""The briefing by email against a real SMTP server on localhost (aiosmtpd): district staff get
the district's briefing, each principal their own school's and no other school's name in it or
its PDF, the links open the right view; a refused delivery is tried again, one that never goes
through is reported, and nothing is sent for a school whose data could not be read."""

from __future__ import annotations

import email
import socket
from email import policy
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pypdfium2 as pdfium
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from monitor.cli import main
from monitor.config import PROJECT_ROOT
from monitor.db import Database

from ..app.test_principal import principal_run

# A real SMTP server and every briefing built for each run: the whole suite, not the fast lane.
pytestmark = pytest.mark.slow

BASE = "https://monitor.test"


class Inbox:
    """What the server received: (envelope recipients, parsed message), and how many times to
    answer DATA with a temporary failure first."""

    def __init__(self, refuse_first: int = 0):
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse = refuse_first

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        self.received.append((list(envelope.rcpt_tos), email.message_from_bytes(
            envelope.content, policy=policy.default)))
        return "250 OK"


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    servers = []

    def start(inbox: Inbox, **kwargs) -> int:
        port = _port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        servers.append(controller)
        return port
    yield start
    for controller in servers:
        controller.stop()


@pytest.fixture
def schools(demo_db):
    return Database(demo_db).query("schools")


@pytest.fixture
def two_principals(schools):
    elementary = schools[schools["level"] == "Elementary"]["school_code"].tolist()
    return elementary[0], elementary[1]


def _configure(tmp_path, monkeypatch, demo_db, port: int, principals: dict[str, str],
               extra: str = "") -> None:
    users = '"office@district.org" = { role = "district" }\n' + "".join(
        f'"{who}" = {{ role = "principal", schools = ["{code}"] }}\n'
        for who, code in principals.items()) + '"board@district.org" = { role = "viewer" }\n'
    text = (PROJECT_ROOT / "config.toml").read_text().replace(
        "\ndemo = true\n", f"\ndemo = false\n[access.users]\n{users}")
    text = text.replace('host = "localhost"\nport = 587\nstarttls = true',
                        f'host = "127.0.0.1"\nport = {port}\nstarttls = false')
    text = text.replace('dashboard_url = "http://localhost:8501"', f'dashboard_url = "{BASE}"')
    text = text.replace("retry_wait_seconds = 30", "retry_wait_seconds = 0") + extra
    path = tmp_path / "config.toml"
    path.write_text(text)
    monkeypatch.setenv("MONITOR_CONFIG", str(path))
    monkeypatch.setenv("MONITOR_DB", str(demo_db))
    monkeypatch.setenv("MONITOR_STORE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")


def _pdf_text(mail) -> str:
    [attachment] = [part for part in mail.iter_attachments()]
    assert attachment.get_content_type() == "application/pdf"
    document = pdfium.PdfDocument(attachment.get_content())
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_each_recipient_gets_their_own_briefing(tmp_path, monkeypatch, demo_db, smtp, schools,
                                                two_principals, capsys):
    mine, theirs = two_principals
    inbox = Inbox()
    port = smtp(inbox)
    _configure(tmp_path, monkeypatch, demo_db, port, {"principal@district.org": mine,
                                                      "other@district.org": theirs})
    assert main(["digest", "--send"]) == 0
    out = capsys.readouterr().out
    assert out.count("SENT to ") == 3 and "board@district.org" not in out
    by_recipient = {tuple(to): mail for to, mail in inbox.received}
    assert set(by_recipient) == {("office@district.org",), ("principal@district.org",),
                                 ("other@district.org",)}
    names = dict(zip(schools["school_code"], schools["school_name"], strict=True))

    district = by_recipient[("office@district.org",)]
    assert district["Subject"] == "Riverside Valley Unified (demo): the week to February 15, 2027"
    body = district.get_body(("html",)).get_content()
    assert "Off track on each goal" in body and "Needs attention first" in body
    assert f"{BASE}/?year=2026-27" in body
    # Schools are named in the district's (the furthest below each goal).
    assert any(name in body for name in names.values())

    for who, code in (("principal@district.org", mine), ("other@district.org", theirs)):
        mail = by_recipient[(who,)]
        assert mail["Subject"] == f"{names[code]}: the week to February 15, 2027"
        html = mail.get_body(("html",)).get_content()
        text = mail.get_body(("plain",)).get_content()
        pdf = _pdf_text(mail)
        assert "Goals: where each stands" in text and "Goals: where each stands" in pdf
        others = [name for c, name in names.items() if c != code and name != names[code]]
        for part in (html, text, pdf):
            leaked = [name for name in others if name in part]
            assert not leaked, (who, leaked[:3])
        # The link opens the school's page, with its filters, for that principal.
        params = params_for(mail)
        assert params == {"school": code, "year": "2026-27"}
    page = principal_run("school", params_for(by_recipient[("principal@district.org",)]))
    assert not page.exception and page.title[0].value == names[mine]


def params_for(mail) -> dict[str, str]:
    html = mail.get_body(("html",)).get_content()
    link = next(a for a in html.split("'") if a.startswith(f"{BASE}/school?"))
    return dict(parse_qsl(urlsplit(unescape(link)).query))


def test_a_refused_delivery_is_tried_again_and_one_never_sent_is_reported(
        tmp_path, monkeypatch, demo_db, smtp, two_principals, capsys):
    mine, _ = two_principals
    inbox = Inbox(refuse_first=1)
    port = smtp(inbox)
    _configure(tmp_path, monkeypatch, demo_db, port, {"principal@district.org": mine})
    assert main(["digest", "--send"]) == 0
    out = capsys.readouterr().out
    assert "(attempt 2)" in out and len(inbox.received) == 2
    # Nobody listening: every message tried three times and reported, exit status 1.
    _configure(tmp_path, monkeypatch, demo_db, _port(), {"principal@district.org": mine})
    assert main(["digest", "--send"]) == 1
    err = capsys.readouterr().err
    assert err.count("NOT SENT to ") == 2 and "(tried 3 times)" in err


def test_nothing_is_sent_for_a_school_whose_data_cannot_be_read(tmp_path, monkeypatch, demo_db,
                                                                smtp, two_principals, capsys):
    mine, _ = two_principals
    inbox = Inbox()
    port = smtp(inbox)
    _configure(tmp_path, monkeypatch, demo_db, port, {"principal@district.org": mine,
                                                      "new@district.org": "9999999"})
    assert main(["digest", "--send"]) == 1
    err = capsys.readouterr().err
    assert "NOT SENT to new@district.org (9999999): its data could not be read" in err
    assert sorted(tuple(to) for to, _ in inbox.received) == [("office@district.org",),
                                                              ("principal@district.org",)]


class Password:
    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login, auth_data.password) == (b"monitor", b"s3cret")
        return AuthResult(success=ok)


def test_the_password_comes_from_the_environment(tmp_path, monkeypatch, demo_db, smtp,
                                                 two_principals, capsys):
    inbox = Inbox()
    port = smtp(inbox, authenticator=Password(), auth_require_tls=False)
    _configure(tmp_path, monkeypatch, demo_db, port, {}, extra="")
    path = tmp_path / "config.toml"
    path.write_text(path.read_text().replace('user = ""\npassword_env', 'user = "monitor"\n'
                                             'password_env'))
    monkeypatch.delenv("MONITOR_SMTP_PASSWORD", raising=False)
    assert main(["digest", "--send"]) == 2
    assert "MONITOR_SMTP_PASSWORD is not in the environment" in capsys.readouterr().err
    monkeypatch.setenv("MONITOR_SMTP_PASSWORD", "wrong")
    assert main(["digest", "--send"]) == 1 and not inbox.received
    monkeypatch.setenv("MONITOR_SMTP_PASSWORD", "s3cret")
    assert main(["digest", "--send"]) == 0 and len(inbox.received) == 1
