"""Download safety and survey item recognition."""

import csv
import io

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from monitor.exports import neutralise_formulas, to_csv_bytes
from monitor.items import match_item, scale_value


def test_formula_cells_are_neutralised_numbers_kept():
    frame = pd.DataFrame({"School": ["=HYPERLINK(\"x\")", "+1+cmd|' /C calc'!A0", "-cmd",
                                     "@SUM(A1)", "Oak", "-2+3"],
                          "value": [-5, 1, 2, 3, 4, 5]})
    out = neutralise_formulas(frame)
    assert out["School"].tolist() == ["'=HYPERLINK(\"x\")", "'+1+cmd|' /C calc'!A0", "'-cmd",
                                      "'@SUM(A1)", "Oak", "'-2+3"]
    assert out["value"].tolist() == [-5, 1, 2, 3, 4, 5]
    assert b"'=HYPERLINK" in to_csv_bytes(frame)


def test_no_data_dashes_and_signed_numbers_as_text_are_left_as_they_are():
    """'-' (no data), '-3' or '+5%' in a text column cannot run as a formula: a quote in front
    of them only shows up in the user's spreadsheet as '-."""
    frame = pd.DataFrame({"Value": ["-", "-3", "+5%", "1,234", "-0.5", None, "=1+1"]})
    out = neutralise_formulas(frame)["Value"].tolist()
    assert out[:5] + out[6:] == ["-", "-3", "+5%", "1,234", "-0.5", "'=1+1"]
    assert pd.isna(out[5])                                  # an empty cell stays empty
    assert b"'-" not in to_csv_bytes(frame)


def test_items_match_inside_qualtrics_headers_and_curly_quotes():
    item = match_item("How much do you agree? - My teachers make me feel like I belong.")
    assert item is not None and item.construct == "belonging"
    assert match_item("When I feel like giving up, my teachers ask me to keep trying").id == "belong_4"
    assert match_item("The extra support I get in small groups helps me to be ready for the "
                      "lessons my teacher teaches to the whole class").construct == "coherence"
    assert match_item("This is a multiple choice question.") is None


def test_scale_values():
    assert [scale_value(a) for a in ("Strongly disagree", "agree", "STRONGLY AGREE", "3", "7",
                                     "Neutral", "I don't know")] == [1, 4, 5, 3, None, 3, None]


HOSTILE = pd.DataFrame({"School": ["=HYPERLINK(\"http://x\")", "Oak", "@SUM(A1)", "a\rb"],
                        "n": [-5, 3, 4, 1]}, index=pd.Index(["+cmd", "b", "c", "d"], name="k"))


def test_a_bare_carriage_return_stays_inside_its_cell():
    """RFC 4180 line ends, so a cell holding a bare CR is quoted, not read as a new row."""
    text = to_csv_bytes(HOSTILE).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["School", "n"] and len(rows) == 5
    assert rows[4] == ["a\rb", "1"]


@pytest.mark.parametrize("styled", [False, True])
def test_tables_on_screen_are_neutralised_like_downloads(styled, tmp_path):
    """The on-screen path itself (components.show_table in a Streamlit run): the table's own
    toolbar download is made from what it was given."""
    script = tmp_path / "page.py"
    script.write_text(
        "import pandas as pd\n"
        "from monitor.ui import components\n"
        f"frame = pd.DataFrame({HOSTILE.reset_index().to_dict('list')!r}).set_index('k')\n"
        + ("components.show_table(frame.style.format('{:.0f}', subset=['n']))\n" if styled
           else "components.show_table(frame)\n"))
    at = AppTest.from_file(str(script)).run()
    shown = at.dataframe[0].value
    shown = shown.data if hasattr(shown, "data") else shown
    assert shown["School"].tolist()[:3] == ["'=HYPERLINK(\"http://x\")", "Oak", "'@SUM(A1)"]
    assert shown["n"].tolist() == [-5, 3, 4, 1]
    assert shown.index.tolist() == ["'+cmd", "b", "c", "d"]
