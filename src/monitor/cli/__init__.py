"""The command line, `python -m monitor demo|load|demo-story|measures|digest|deck|health|
migrate|status|serve` (each with --help): the parser and most commands here; the weekly
rhythm's (`load --inbox`, `digest --send`) in weekly.py. Every command reads config.toml and the
database the dashboard reads, with the goals set in the product in force."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from monitor.config import ConfigError, load_settings
from monitor.db import database_path, scalar


def _with_goals(settings, db):
    """The settings with the goals set in the product in force (the store beside `db`), as
    the dashboard measures against them."""
    from monitor.writing.goalbook import with_goals
    from monitor.writing.store import open_store

    return with_goals(settings, open_store(db.path))


def _demo(args: argparse.Namespace) -> int:
    from monitor.demo.district import write_demo

    settings = load_settings()
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else settings.as_of_date()
    since = dt.date.fromisoformat(args.since) if args.since else None
    if args.week:
        # The district as it stood a week ago (last_week/, its date in last_week.as_of), and
        # the week's new files since (this_week/): loaded in turn, "what changed" has a week.
        out, then = Path(args.out), as_of - dt.timedelta(days=7)
        earlier = write_demo(out / "last_week", settings, args.students, args.seed, then,
                             args.schools)
        (out / "last_week.as_of").write_text(then.isoformat() + "\n")
        new = write_demo(out / "this_week", settings, args.students, args.seed, as_of,
                         args.schools, then)
        print(f"Wrote {len(earlier)} demo export files as of {then} to {out / 'last_week'} and "
              f"{len(new)} of the week's new results to {out / 'this_week'}")
        return 0
    paths = write_demo(Path(args.out), settings, args.students, args.seed, as_of, args.schools,
                       since)
    print(f"Wrote {len(paths)} demo export files for {args.students} students "
          f"(seed {args.seed}, as of {as_of}{f', new since {since}' if since else ''}) to "
          f"{args.out}")
    return 0


def _load(args: argparse.Namespace) -> int:
    import os

    from monitor.ingest.common import normalise_school_year
    from monitor.ingest.load import load_files

    if args.as_of:
        dt.date.fromisoformat(args.as_of)           # a date, or a clear error
        os.environ["MONITOR_AS_OF"] = args.as_of
    settings = load_settings()
    school_year = None
    if args.school_year:
        school_year = normalise_school_year(args.school_year)
        if school_year is None:
            print(f"--school-year {args.school_year!r} is not a school year like 2025-26",
                  file=sys.stderr)
            return 2
    def progress(fraction: float, text: str) -> None:
        print(f"[{fraction:4.0%}] {text}", file=sys.stderr, flush=True)

    if bool(args.files) == bool(args.inbox):
        print("Give export files to load, or --inbox DIR (not both).", file=sys.stderr)
        return 2
    if args.inbox:
        from monitor.cli.weekly import load_inbox

        return load_inbox(args, settings)
    result = load_files(args.files, settings, source=args.source, school_year=school_year,
                        progress=progress if args.progress else None)
    for report in result.reports:
        print(report.line())
    if result.rejects_path:
        print(f"Rejected rows and reasons: {result.rejects_path}")
    for warning in result.warnings:
        print(f"HEALTH WARNING: {warning}")
    if result.warnings:
        print("Data health: `python -m monitor health` shows what counts in a measure, per "
              "source and school year, and why the rest does not.")
    print(f"Database: {database_path()}")
    return result.strict_exit_code() if args.strict else result.exit_code


def _health(args: argparse.Namespace) -> int:
    from monitor.db import Database
    from monitor.ingest import health

    settings = load_settings()
    table, found = health.check(Database(engine=settings.engine).connection(), settings)
    if args.format == "json":
        print(table.to_json(orient="records", indent=1))
    else:
        print(table.to_csv(index=False), end="")
    for warning in found:
        print(f"HEALTH WARNING: {warning}", file=sys.stderr)
    return 1 if found else 0


def _measures(args: argparse.Namespace) -> int:
    import pandas as pd

    from monitor import registry
    from monitor.db import Database
    from monitor.measures import selection
    from monitor.views import measures_table, reads

    settings = load_settings()
    db = Database(engine=settings.engine)
    settings = _with_goals(settings, db)
    year = args.year or settings.current_school_year()
    frames = []
    for measure in [args.measure] if args.measure else list(settings.measures):
        if args.subject and args.subject.lower() == "all" and not registry.spec(
                measure).pool_subjects:
            # Surveys of different people never pool: 'all' is each survey.
            subjects = list(registry.spec(measure).subjects)
        elif args.subject:
            subjects = [None if args.subject.lower() == "all" else args.subject]
        else:
            subjects = reads.reported_subjects(db, measure)
        for subject in subjects:
            filters = selection.Filters(school_year=year, subject=subject,
                                        observed_subject=subject, grade=args.grade)
            cells = reads.measure_cells(db, settings, measure, filters)
            frames.append(measures_table.measure_table(cells, settings, measure, subject, args.grade))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if args.year:
        table = table[table["year"] == year]
    if args.school:
        table = table[table["school"] == args.school]
    if args.group:
        table = table[table["group"] == args.group]
    if args.window:
        table = table[table["window"] == args.window]
    if not args.all_details:
        table = table[table["detail"].isna()].drop(columns="detail")
    if args.format == "json":
        print(table.to_json(orient="records", indent=1))
    else:
        print(table.to_csv(index=False), end="")
    return 0


def _digest(args: argparse.Namespace) -> int:
    import json

    from monitor.db import Database
    from monitor.views import changes, reads

    settings = load_settings()
    db = Database(engine=settings.engine)
    settings = _with_goals(settings, db)
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else settings.as_of_date()
    if args.send:
        from monitor.cli.weekly import send_briefings

        return send_briefings(settings, db, as_of)
    week = reads.week_changes(db, settings, as_of, (args.school,) if args.school else None)
    if args.format == "json":
        frame = week.changes[[*changes.KEYS, "then", "now", "change", "status_then",
                              "status_now", "kind", "what"]]
        print(json.dumps({
            "as_of": as_of.isoformat(), "heading": week.heading(),
            "compared_with": week.then.isoformat(sep=" ") if week.then else None,
            "first_load": week.first_load.isoformat(sep=" ") if week.first_load else None,
            "summary": changes.summary(week),
            "changes": json.loads(frame.to_json(orient="records"))}, indent=1))
    else:
        print(changes.as_text(week), end="")
    return 0


def _deck(args: argparse.Namespace) -> int:
    from monitor.access import Scope
    from monitor.db import Database
    from monitor.measures import selection
    from monitor.present import debrief
    from monitor.views import walks
    from monitor.views.source import Direct
    from monitor.writing.store import open_store

    settings = load_settings()
    db = Database(engine=settings.engine)
    settings = _with_goals(settings, db)
    # Scoped as the signed-in deck is: a school's deck as that school's principal sees it.
    scope = (Scope(role="principal", schools=(args.school,)) if args.school
             else Scope(role="district"))
    if args.school and args.school not in set(db.query("schools")["school_code"]):
        print(f"No school {args.school!r} in the database.", file=sys.stderr)
        return 2
    source = Direct(db, settings, scope, open_store(db.path))
    f = selection.Filters(school_year=args.year or settings.current_school_year(),
                          school=args.school)
    walk = walks.current_walk(source, f, args.walk)
    if walk is None:
        print("No learning walk" + (f" {args.walk}" if args.walk else "") + " with "
              "observations this year.", file=sys.stderr)
        return 2
    slides = walks.slides(source, f, walk)
    notes = source.notes_for_walk(walk.school_year, walk.window_id, walk.notes_scope)
    write = debrief.deck_pdf if args.format == "pdf" else debrief.deck_pptx
    Path(args.out).write_bytes(write(slides, notes, walk.heading, settings.as_of_date()))
    print(f"{args.out}: {walk.heading}, {len(slides)} slides")
    for line in debrief.contents(slides):
        print(f"  {line}")
    return 0


def _status(args: argparse.Namespace) -> int:
    import duckdb

    path = database_path()
    if not path.exists():
        print(f"No database at {path}")
        return 1
    con = duckdb.connect(str(path), read_only=True)
    for (table,) in con.execute(
        "SELECT table_name FROM information_schema.tables ORDER BY table_name"
    ).fetchall():
        count = scalar(con, "SELECT count(*) FROM query_table($t)", {"t": table})
        print(f"{table:20s} {count:>10,d}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from monitor.ingest.load import SOURCES

    parser = argparse.ArgumentParser(
        prog="python -m monitor",
        description="District progress monitor: build the demo district, load exports, "
                    "inspect the database. Database: MONITOR_DB (default data/monitor.duckdb); "
                    "settings: MONITOR_CONFIG (default config.toml).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="write a synthetic demo district's export files",
                          description="Write a deterministic synthetic district as real-format "
                                      "export files (roster, ESGI, i-Ready, benchmarks, "
                                      "performance tasks, state test, walkthroughs, surveys).")
    demo.add_argument("--out", required=True, help="folder to write the files into")
    demo.add_argument("--students", type=int, default=30_000, help="students (default 30000)")
    demo.add_argument("--schools", type=int, help="schools (default: one per 600 students, "
                                                  "at least 8)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    demo.add_argument("--as-of", help="YYYY-MM-DD: last date with data (default: today, or "
                                      "MONITOR_AS_OF / config district.as_of)")
    demo.add_argument("--since", help="YYYY-MM-DD: only what happened after this day (a "
                                      "week's new files, named for the as-of date); the same "
                                      "seed is the same district on any as-of date")
    demo.add_argument("--week", action="store_true",
                      help="two folders: last_week/ (the district a week before the as-of date; "
                           "its date in last_week.as_of) and this_week/ (the week's new files)")
    demo.set_defaults(run=_demo)
    load = sub.add_parser("load", help="load export files into the database",
                          description="Load export files. Prints a summary per file and the "
                                      "data health check's warnings; rejected rows go to "
                                      "rejected_rows.csv beside the database. Exit status: 0 all "
                                      "rows loaded, 1 some rows rejected, 2 a file could not be "
                                      "read at all, 3 (with --strict) a health warning.")
    load.add_argument("files", nargs="*", help="CSV or .xlsx export files")
    load.add_argument("--inbox", metavar="DIR",
                      help="load every new file in DIR, then move each to DIR/loaded/ or "
                           "DIR/failed/ with its report beside it; a file loaded before (same "
                           "content) is not loaded again, one still being written waits for "
                           "the next run (what a timer runs: deploy/README.md)")
    load.add_argument("--settle-seconds", type=float, default=120.0,
                      help="with --inbox: a file changed more recently than this is still "
                           "being written and waits (default 120)")
    load.add_argument("--source", choices=sorted(SOURCES),
                      help="force the kind of export instead of detecting it from the headers")
    load.add_argument("--school-year", help="school year (e.g. 2025-26) for rows whose file "
                                            "gives no date or year")
    load.add_argument("--as-of", help="YYYY-MM-DD: the date this load's data is as of (its "
                                      "versions in \"what changed\" are stamped with it; "
                                      "default: today, or MONITOR_AS_OF)")
    load.add_argument("--progress", action="store_true",
                      help="print each stage on stderr as it starts (reading, checking and "
                           "writing each file, the data health check, saving)")
    load.add_argument("--strict", action="store_true",
                      help="exit with status 3 when the data health check warns (a file or "
                           "source whose rows count in no measure, or a counting share that "
                           "dropped sharply since the last load)")
    load.set_defaults(run=_load)
    measures = sub.add_parser(
        "measures", help="print the measures table (values, targets, status, suppression)",
        description="Print every measure's value per subject, school, student group, grade, "
                    "school year and window, with n, target, status and suppression, as the "
                    "dashboard computes them. Suppressed rows have an empty value.")
    from monitor.registry import MEASURES

    measures.add_argument("--measure", choices=sorted(MEASURES))
    measures.add_argument("--subject", help="ELA, Math, or 'all' (every subject pooled; "
                                            "surveys, which never pool: every survey); for "
                                            "walkthroughs any subject observed (Science...); "
                                            "surveys: student, teacher, leader. Default: each "
                                            "subject (walkthroughs: all pooled, then each)")
    measures.add_argument("--school", help="a school code, or 'district'")
    measures.add_argument("--group", help="all, el, swd, sed, foster, homeless, or "
                                          "race_ethnicity:<label>")
    measures.add_argument("--grade", help="a grade (TK, K, 1-12) or band such as 'High (9-12)'; "
                                          "default all grades")
    measures.add_argument("--year", help="only this school year, e.g. 2026-27 (default: the "
                                         "current one and the year before)")
    measures.add_argument("--window", help="a window id, e.g. 1 or Q2")
    measures.add_argument("--all-details", action="store_true",
                          help="also print each walkthrough indicator and survey construct")
    measures.add_argument("--format", choices=["csv", "json"], default="csv")
    measures.set_defaults(run=_measures)
    deck = sub.add_parser(
        "deck", help="write the learning-walk debrief deck (PDF or PowerPoint)",
        description="The debrief's slides for the latest walk of the year (or --walk), the "
                    "district's or a school's (--school: as that school's principal sees it), "
                    "with the room's notes, as a PDF or as PowerPoint with its own charts. No "
                    "browser needed.")
    deck.add_argument("--school", help="a school code (default: the district)")
    deck.add_argument("--walk", help="a walk, e.g. Q2 (default: the latest with observations)")
    deck.add_argument("--year", help="school year, e.g. 2026-27 (default: the current one)")
    deck.add_argument("--format", choices=["pdf", "pptx"], required=True)
    deck.add_argument("--out", required=True, help="the file to write")
    deck.set_defaults(run=_deck)
    digest = sub.add_parser(
        "digest", help="what changed in the week to the as-of date",
        description="The headline results (each school and the district, all students) as "
                    "they stood in the last data version at least seven days before the as-of "
                    "date, against now, current school year only: every changed cell with "
                    "the measures command's keys and its values then and now. With no version "
                    "a week old, says so.")
    digest.add_argument("--as-of", help="YYYY-MM-DD (default: today, or MONITOR_AS_OF / "
                                        "config district.as_of)")
    digest.add_argument("--school", help="one school's results only (a school code)")
    digest.add_argument("--format", choices=["text", "json"], default="text")
    digest.add_argument("--send", action="store_true",
                        help="email each recipient their briefing instead: district staff "
                             "in [access.users] the district's, each principal their "
                             "school's, through config.toml [digest]'s SMTP server (HTML with "
                             "the PDF attached); exit status 1 if any was not sent")
    digest.set_defaults(run=_digest)
    migrate = sub.add_parser(
        "migrate", help="bring the database to this version's schema",
        description="Run the schema migrations the database has not had, on a copy that "
                    "replaces it in one atomic rename (a failure leaves it as it was).")
    migrate.set_defaults(run=_migrate)
    check = sub.add_parser(
        "health", help="the data health check: what counts in a measure, and why not",
        description="Per source and school year: rows loaded, rows that count in a measure, "
                    "and the reasons the rest do not (rushed, no baseline, an earlier "
                    "attempt...). Warnings go to stderr; exit status 1 when there are any.")
    check.add_argument("--format", choices=["csv", "json"], default="csv")
    check.set_defaults(run=_health)
    story = sub.add_parser(
        "demo-story", help="write the demo district's improvement cycles and reflection into "
                           "the store (an empty one only)",
        description="After the demo's exports are loaded: a year of improvement cycles (the "
                    "school whose practice rose before its results, reviewed quarter by "
                    "quarter), open cycles for two more schools and the district, and the "
                    "district's reflection, all from the loaded data. Writes nothing into a "
                    "store that already holds cycles.")
    story.set_defaults(run=_demo_story)
    from monitor.serving import serve

    serve.add_parser(sub)
    status = sub.add_parser("status", help="row counts per table")
    status.set_defaults(run=_status)
    return parser


def _demo_story(args: argparse.Namespace) -> int:
    from monitor.db import Database, database_path
    from monitor.demo.story import write_story
    from monitor.writing.store import open_store

    path = database_path()
    if not path.exists():
        print(f"No database at {path}: load the demo's exports first.", file=sys.stderr)
        return 2
    written = write_story(open_store(path), Database(path), load_settings())
    if not written["cycles"]:
        print("The store already holds cycles: nothing written.")
    else:
        print(f"Wrote {written['cycles']} improvement cycles and {written['reflections']} "
              "reflection entries for the demo district.")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from monitor.db import SCHEMA_VERSION, DatabaseProblem, database_path, writable_copy

    path = database_path()
    if not path.exists():
        print(f"No database at {path}: nothing to migrate.", file=sys.stderr)
        return 2
    from monitor.ingest import health
    from monitor.measures import lattice

    settings = load_settings()
    try:
        with writable_copy(path, settings.engine.load_memory_limit) as con:
            found = schema_version_before(con)
            built = None
            if not lattice.is_current(con, settings):
                built = lattice.build(con, settings)
            if not health.is_kept(con, settings):
                health.keep(con, settings)
    except DatabaseProblem as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"{path}: schema version {found} -> {SCHEMA_VERSION}" if found != SCHEMA_VERSION
          else f"{path}: already at schema version {SCHEMA_VERSION}")
    if built is not None:
        print(f"{path}: measures lattice built for the current rules ({built:,} cells)")
    return 0


def schema_version_before(con) -> int:
    """writable_copy has already migrated `con`; it records what it found."""
    return int(con.execute(
        "SELECT value FROM meta WHERE key = 'migrated_from'").fetchall()[0][0])


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
