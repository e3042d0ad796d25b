"""The weekly rhythm's commands: `load --inbox DIR` (files dropped in a folder loaded by a
timer) and `digest --send` (each recipient's briefing by email)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from monitor.db import database_path


def load_inbox(args: argparse.Namespace, settings) -> int:
    """`load --inbox DIR`: every new file loaded once (monitor.ingest.inbox), each outcome
    printed with where the file went."""
    from monitor.ingest import inbox

    try:
        run = inbox.run(args.inbox, settings, settle_seconds=args.settle_seconds)
    except FileNotFoundError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if run.busy:
        print(f"{args.inbox}: another inbox run is loading it; nothing done.")
        return 0
    for outcome in run.outcomes:
        where = f" -> {outcome.moved_to}" if outcome.moved_to else ""
        print(f"{outcome.status.upper()}: {outcome.line}{where}")
    if run.result is not None:
        for warning in run.result.warnings:
            print(f"HEALTH WARNING: {warning}")
    if not run.outcomes:
        print(f"{args.inbox}: no new files.")
    print(f"Database: {database_path()}")
    return run.exit_code


def send_briefings(settings, db, as_of: dt.date) -> int:
    """Each recipient's briefing by email (monitor.serving.mail); a briefing whose data could
    not be read is not sent and is reported, as is a message that could not be sent."""
    import os

    from monitor.access import Scope
    from monitor.present.briefing import briefing_pdf
    from monitor.serving import mail
    from monitor.views import briefing
    from monitor.views.source import Direct
    from monitor.writing.store import open_store

    digest = settings.digest
    if not digest.from_address:
        print("config.toml [digest] from_address is empty: set who the briefing is from.",
              file=sys.stderr)
        return 2
    password = os.environ.get(digest.password_env) if digest.user else None
    if digest.user and password is None:
        print(f"[digest] user is set but {digest.password_env} is not in the environment.",
              file=sys.stderr)
        return 2
    store = open_store(db.path)
    made: dict[str, tuple[briefing.Briefing, bytes] | str] = {}
    messages, failed = [], 0
    for recipient in mail.recipients(settings):
        where = recipient.where
        if where not in made:
            try:
                if where == mail.DISTRICT:
                    found = briefing.district(Direct(db, settings, Scope(role="district"),
                                                     store), db, as_of, digest.dashboard_url)
                else:
                    found = briefing.school(Direct(db, settings, Scope(
                        role="principal", schools=(where,)), store), db, where, as_of,
                        digest.dashboard_url)
                made[where] = (found, briefing_pdf(found.subject, f"As of {as_of:%B %-d, %Y}",
                                                   found.sections(), found.links))
            except Exception as exc:  # noqa: BLE001 - reported, and nothing sent for it
                made[where] = f"{type(exc).__name__}: {exc}"
        if isinstance(made[where], str):
            failed += 1
            print(f"NOT SENT to {recipient.email} ({where}): its data could not be read: "
                  f"{made[where]}", file=sys.stderr)
            continue
        found, pdf = made[where]
        messages.append(mail.message(found, recipient.email, digest.from_address, pdf))
    for result in mail.send(messages, digest, password):
        if result.ok:
            print(f"SENT to {result.to}: {result.subject}"
                  + (f" (attempt {result.attempts})" if result.attempts > 1 else ""))
        else:
            failed += 1
            print(f"NOT SENT to {result.to}: {result.subject}: {result.error} (tried "
                  f"{result.attempts} times)", file=sys.stderr)
    if not messages and not failed:
        print("No recipients: config.toml [access.users] names no district staff or principal.")
    return 1 if failed else 0
