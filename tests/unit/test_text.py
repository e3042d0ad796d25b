"""monitor.text: any text people supply reads exactly as typed once rendered, and carries no
Markdown, Streamlit directive, autolink or Plotly tag (property tests over any text)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from monitor import text

ZW = text.ZERO_WIDTH


def shown(markdown: str) -> str:
    """What CommonMark shows for escaped text: a backslash before punctuation is dropped;
    the zero-width spaces are invisible."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(ZW, "")


# Text that looks like Markdown and Streamlit's additions, mixed with anything at all.
PIECES = st.sampled_from(["![b](http://h.test/b.png)", "[x](https://h.test)", "**", "__", "`",
                          ":red[", "]", ":smile:", ":material/home:", "$x^2$", "~~", "| a |",
                          "&amp;", "# ", "> ", "- ", "1. ", "->", "<=", "www.h.test", "\\",
                          "<img src=x>", "n<10", "Grade 3: ELA"])
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=12).map("".join)


@given(TEXTS)
def test_markdown_reads_as_typed(value):
    assert shown(text.markdown(value)) == " ".join(value.split())


@given(TEXTS)
def test_markdown_leaves_nothing_to_render(value):
    out = text.markdown(value)
    unescaped = re.sub(r"\\.", "", out)            # what is not escaped
    assert not re.search(r"[*_`\[\]$~|&\\]", unescaped)
    assert not re.search(r"(?i)(https?:|www\.|ftp:|javascript:)", out)
    assert not re.search(r":\w", out)              # directives, emoji and icons
    assert not re.search(r"[-<>~=][-<>~=]", unescaped.replace(ZW, " "))
    assert not re.match(r"\s*([#>+\-=]|\d+[.)])", out)


def test_ordinary_text_is_left_as_it_is():
    for value in ("All indicators: % of indicator ratings meeting: 55% at Q3, 15 points below",
                  "Learning walk Q3 2026-27: District", "n<10 students at Q2 (n suppressed)"):
        assert text.markdown(value) == value


@given(st.text(max_size=40))
def test_chart_text_shows_tags(value):
    out = text.chart(value)
    assert "<" not in out and ">" not in out
    assert out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == value
