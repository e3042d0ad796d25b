"""Download safety and survey item recognition."""

import pandas as pd

from monitor.exports import neutralise_formulas, to_csv_bytes
from monitor.items import match_item, scale_value


def test_formula_cells_are_neutralised_numbers_kept():
    frame = pd.DataFrame({"School": ["=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM(A1)", "Oak"],
                          "value": [-5, 1, 2, 3, 4]})
    out = neutralise_formulas(frame)
    assert out["School"].tolist() == ["'=HYPERLINK(\"x\")", "'+1", "'-cmd", "'@SUM(A1)", "Oak"]
    assert out["value"].tolist() == [-5, 1, 2, 3, 4]
    assert b"'=HYPERLINK" in to_csv_bytes(frame)


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


def test_tables_on_screen_are_neutralised_like_downloads():
    import pandas as pd

    from monitor.exports import neutralise_formulas

    frame = pd.DataFrame({"School": ["=HYPERLINK(\"http://x\")", "Oak", "@SUM(A1)"],
                          "n": [-5, 3, 4]}, index=pd.Index(["+cmd", "b", "c"], name="k"))
    out = neutralise_formulas(frame)
    assert out["School"].tolist() == ["'=HYPERLINK(\"http://x\")", "Oak", "'@SUM(A1)"]
    assert out["n"].tolist() == [-5, 3, 4]
    assert out.index.tolist() == ["'+cmd", "b", "c"]
