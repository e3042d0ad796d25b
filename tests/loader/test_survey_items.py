"""Student voice items (ownership, engagement, a trusted adult, identity affirmed) in every survey
layout a district sends: Qualtrics (three header rows), Google Forms (CSV and the .xlsx a
Sheet downloads), and long files (CSV and .xlsx); in the product's wording and in a district's
own (config.toml [surveys.wording]), however the platform spells it. Each respondent's answers
land as the right items of the "Student voice" construct, counted with the same % favorable
rule as every other construct."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from monitor.config import ConfigError, Privacy, Settings, Surveys, load_settings
from monitor.db import Database
from monitor.ingest.load import EXIT_OK, EXIT_UNREADABLE, load_files
from monitor.items import ITEMS, match_item, statement
from monitor.measures import selection
from monitor.views import reads, trajectories

YEAR = "2026-27"
VOICE = [item for item in ITEMS if item.construct == "student_voice"]
# A district's own wording of each item, as its survey asks it.
OWN = {
    "voice_ownership": "I am in charge of my own learning",
    "voice_engagement": "Most days I'm interested in what we do in class",
    "voice_trusted_adult": "There's an adult at school I can go to when I need help",
    "voice_identity": "Adults at this school respect who I am and where I come from",
}
# Each respondent's answers to the four items, in item order. Favorable = Agree or Strongly
# agree; "I don't know" leaves the denominator; a blank is no answer.
ANSWERS = [
    ["Strongly agree", "Agree", "Agree", "Strongly agree"],
    ["Disagree", "Agree", "Strongly agree", "Neither agree nor disagree"],
    ["I don't know", "Strongly disagree", "Agree", "Agree"],
    ["Agree", "", "4", "2"],
]
# Hand-worked: ownership 2 favorable of 3 valid (SA, D, A; don't know out); engagement 2 of 3
# (A, A, SD; blank not asked); trusted adult 4 of 4; identity 2 of 4 (SA, N, A, 2).
ITEM_FAVORABLE = {"voice_ownership": (2, 3), "voice_engagement": (2, 3),
                  "voice_trusted_adult": (4, 4), "voice_identity": (2, 4)}
# The construct pools every valid answer: 10 favorable of 14 answers from 4 respondents.
CONSTRUCT = (10, 14, 4)


def spellings(text: str) -> list[str]:
    """How survey platforms and the people who build forms write the same statement."""
    return [text, text.upper(), f"  {text.rstrip('.')}  ", text.replace("'", "\u2019"),
            f"{text.rstrip('.')}?", f'"{text}"']


def _with_wording(settings: Settings, wording: dict[str, list[str]]) -> Settings:
    return settings.model_copy(update={"surveys": settings.surveys.model_copy(
        update={"wording": wording})})


def _roster(path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Student ID", "School Code", "School Name", "Grade", "School Year"])
        writer.writerows([[f"00{i}", "0101", "Oak Elementary", "6", YEAR] for i in range(1, 5)])
    return path


def _qualtrics(path: Path, statements: list[str]) -> Path:
    header = ["StartDate", "RecordedDate", "ResponseId", "Student ID", "School",
              *[f"Q4_{k}" for k in range(1, len(statements) + 1)]]
    question = ["Start Date", "Recorded Date", "Response ID", "Student ID", "School",
                *[f"How much do you agree with each statement? - {s}" for s in statements]]
    imports = [json.dumps({"ImportId": h}) for h in header]
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerows([header, question, imports])
        for i, answers in enumerate(ANSWERS, 1):
            stamp = f"2026-10-1{i} 09:00:00"
            writer.writerow([stamp, stamp, f"R_{i:04d}", f"00{i}", "Oak Elementary", *answers])
    return path


def _google_forms(path: Path, statements: list[str]) -> Path:
    frame = pd.DataFrame(
        [{"Timestamp": f"2026/10/1{i} 9:0{i}:00 AM GMT-7", "School": "Oak Elementary",
          "Student ID": f"00{i}", **dict(zip(statements, answers, strict=True))}
         for i, answers in enumerate(ANSWERS, 1)])
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False, encoding="cp1252")
    return path


def _long(path: Path, statements: list[str]) -> Path:
    frame = pd.DataFrame(
        [{"Respondent ID": f"r{i}", "Student ID": f"00{i}", "School": "0101",
          "Date": "2026-10-15", "Item": text, "Response": answer}
         for i, answers in enumerate(ANSWERS, 1)
         for text, answer in zip(statements, answers, strict=True) if answer])
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


LAYOUTS = {"qualtrics.csv": _qualtrics, "google_forms.csv": _google_forms,
           "google_forms.xlsx": _google_forms, "long.csv": _long, "long.xlsx": _long}


def _load(tmp_path: Path, settings: Settings, layout: str, statements: list[str]):
    export = LAYOUTS[layout](tmp_path / f"voice_{layout}", statements)
    db = tmp_path / "m.duckdb"
    result = load_files([_roster(tmp_path / "roster.csv"), export], settings, db_path=db)
    return result, db


def _responses(db: Path) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT respondent_id, student_id, item_id, construct, survey, response_value "
            "FROM survey_responses ORDER BY student_id, item_id").df()
    finally:
        con.close()


def _assert_answers_landed(db: Path) -> None:
    rows = _responses(db)
    assert set(rows["construct"]) == {"student_voice"} and set(rows["survey"]) == {"student"}
    by_item = rows.groupby("item_id")
    # Every answer given is a row (blank answers are no row), "don't know" with no value.
    given = {item.id: sum(1 for a in ANSWERS if a[k]) for k, item in enumerate(VOICE)}
    assert by_item.size().to_dict() == given
    favorable = rows.assign(fav=rows["response_value"] >= 4).groupby("item_id")["fav"].sum()
    valid = by_item["response_value"].count()
    assert {i: (int(favorable[i]), int(valid[i])) for i in given} == ITEM_FAVORABLE


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("spelling", range(6))
def test_student_voice_items_load_in_every_layout_and_spelling(tmp_path, settings, layout,
                                                               spelling):
    statements = [spellings(item.statement)[spelling] for item in VOICE]
    result, db = _load(tmp_path, settings, layout, statements)
    assert result.exit_code == EXIT_OK, [r.line() for r in result.reports]
    assert result.reports[1].source == "survey" and result.reports[1].rejected == 0
    _assert_answers_landed(db)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("spelling", range(6))
def test_a_districts_own_wording_is_recognised_as_the_item(tmp_path, settings, layout,
                                                           spelling):
    own = _with_wording(settings, {k: [v] for k, v in OWN.items()})
    statements = [spellings(OWN[item.id])[spelling] for item in VOICE]
    result, db = _load(tmp_path, own, layout, statements)
    assert result.exit_code == EXIT_OK, [r.line() for r in result.reports]
    _assert_answers_landed(db)


@pytest.mark.parametrize("layout", ["qualtrics.csv", "google_forms.csv", "long.csv"])
def test_own_wording_not_configured_is_said_not_guessed(tmp_path, settings, layout):
    """Without [surveys.wording], a survey asking these in its own words is not taken for some
    other item: wide files are refused naming what they ask and where wording is configured;
    long files reject each row as not a known item."""
    result, db = _load(tmp_path, settings, layout, [OWN[item.id] for item in VOICE])
    report = result.reports[1]
    if layout == "long.csv":
        rows = sum(1 for a in ANSWERS for x in a if x)
        assert report.rejected == rows
        rejects = pd.read_csv(result.rejects_path, dtype=str)
        assert len(rejects) == rows and set(rejects["file"]) == {"voice_long.csv"}
        assert set(rejects["column"]) == {"Item"}
        assert set(rejects["reason"]) == {"not a known survey item"}
    else:
        assert result.exit_code == EXIT_UNREADABLE
        assert "no known survey item" in report.error
        assert "[surveys.wording]" in report.error and OWN["voice_ownership"] in report.error
    assert not db.exists() or _responses(db).empty


@pytest.mark.parametrize("layout", LAYOUTS)
def test_student_voice_is_a_construct_with_the_favorable_rule(tmp_path, settings, layout):
    result, db = _load(tmp_path, settings, layout, [item.statement for item in VOICE])
    assert result.exit_code == EXIT_OK, [r.line() for r in result.reports]
    exact = settings.model_copy(update={"privacy": Privacy(min_n=1, disclosive_n=0)})
    f = selection.Filters(school_year=YEAR)

    def fall(survey_items: bool) -> pd.DataFrame:
        cells = reads.measure_cells(Database(db), exact, "survey", f, survey_items=survey_items)
        return cells[(cells["school_year"] == YEAR) & (cells["window_id"] == "fall")
                     & (cells["scope"] == "0101") & (cells["group_id"] == "all")
                     & ~cells["all_details"]].set_index("detail")

    meeting, answers, respondents = CONSTRUCT
    voice = fall(False).loc["student_voice"]
    assert (voice["n_meeting"], voice["n_records"], voice["n"]) == (meeting, answers, respondents)
    items = fall(True)
    for item_id, (favorable, valid) in ITEM_FAVORABLE.items():
        assert (items.loc[item_id, "n_meeting"], items.loc[item_id, "n_records"]) == (
            favorable, valid)
    cells = reads.measure_cells(Database(db), exact, "survey", f)
    point = trajectories.trajectory(cells, exact, "survey", f, detail="student_voice")
    assert point.set_index("window_id").loc["fall", "value"] == round(100 * meeting / answers, 1)


def test_the_longest_wording_found_in_a_header_is_the_item():
    # A district's wording that contains the product's statement of another item.
    wording = {"voice_identity": ["There is at least one adult at my school I trust and who "
                                  "affirms my identity"]}
    header = ("Q12 - There is at least one adult at my school I trust and who affirms my "
              "identity.")
    assert match_item(header).id == "voice_trusted_adult"
    assert match_item(header, wording).id == "voice_identity"
    assert statement("voice_identity", wording).startswith("There is at least one adult")
    assert statement("voice_identity") == "There is an adult at my school who affirms who I am."


@pytest.mark.parametrize("wording, message", [
    ({"voice_owner": ["I own my learning here"]}, "'voice_owner' is not an item id"),
    ({"voice_ownership": []}, "at least one statement"),
    ({"voice_ownership": ["Ownership"]}, "too short"),
])
def test_bad_wording_is_refused_naming_the_key(tmp_path, wording, message):
    config = Path(__file__).resolve().parents[2] / "config.toml"
    text = config.read_text(encoding="utf-8") + "\n[surveys.wording]\n" + "\n".join(
        f"{k} = {json.dumps(v)}" for k, v in wording.items())
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_settings(tmp_path / "config.toml")
    assert "surveys.wording" in str(refused.value) and message in str(refused.value)


def test_wording_is_not_a_counting_rule(settings):
    """A district rewording its items does not rebuild what is counted."""
    from monitor.measures.lattice import rules_fingerprint

    own = _with_wording(settings, {k: [v] for k, v in OWN.items()})
    assert rules_fingerprint(own) == rules_fingerprint(settings)
    reversed_ = settings.model_copy(update={"surveys": Surveys(reversed_items=["belong_1"])})
    assert rules_fingerprint(reversed_) != rules_fingerprint(settings)
