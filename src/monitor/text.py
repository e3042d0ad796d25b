"""Text that people, files or URLs supply (a cycle's focus, a note, a school's name, a query
parameter), made safe to show where the words around it are Markdown or Plotly's HTML.

Streamlit renders Markdown in titles, headers, captions, messages, widget and expander labels,
with its own additions: `:red[...]` colours, `:material/...:` icons, emoji shortcodes, `$...$`
KaTeX, typographic arrows; and GitHub's autolinks turn any `http://`, `www.` or e-mail address
in the text into a link, after escapes are undone. So `markdown()` escapes every mark that
starts Markdown (CommonMark shows `\\*` as `*`) and breaks web addresses, shortcodes and
arrows with an invisible zero-width space: the words read exactly as typed (and most text,
with none of those marks, is left as it is), nothing is fetched, linked, coloured or
typeset. Where a whole text stands alone, pages show it with `st.text`, which parses
nothing. `chart()` escapes the few HTML tags Plotly draws in its labels (`<a
href>`, `<b>`, `<br>`...).
"""

from __future__ import annotations

import html
import re

ZERO_WIDTH = "\u200b"
# Characters that start Markdown anywhere in a line: escapes, code, emphasis, links and
# images, Streamlit's colour directives (`:red[`), KaTeX, strikethrough, tables and entities.
# (A backslash before any ASCII punctuation shows the mark itself. HTML is never rendered:
# Streamlit shows tags as text, so `n<10` stays as it is.)
_ANYWHERE = re.compile(r"([\\`*_\[\]$~|&])")
# ... and at the start of a text: headings, quotes, lists (a number's mark after it).
_LINE_START = re.compile(r"^(\s*)([#>+\-=])|^(\s*\d+)([.)])")
# A colon before a word starts a directive (`:red[...]`, and `:name` alone, which is then
# not shown at all), an emoji or an icon (`:smile:`, `:material/home:`): found in the source,
# so a backslash does not stop them; a zero-width space does.
_DIRECTIVE = re.compile(r":(?=\w)")
# What a renderer turns into a link or a symbol even when escaped: web addresses, arrows
# (-> <- -- >= <= ~=).
_AUTOLINK = re.compile(r"(?i)\b(https?|ftps?|mailto|www|file|data|javascript)(?=[:.])")
_SYMBOLS = re.compile(r"(\\?[-<>~=])(?=\\?[-<>~=])")


def markdown(value: object) -> str:
    """`value` as text inside Markdown: shown as typed, never rendered. Line breaks become
    spaces (a label or caption is one line; multi-line text belongs in `st.text`)."""
    text = " ".join(str("" if value is None else value).split())
    text = _ANYWHERE.sub(r"\\\1", text)
    text = _LINE_START.sub(lambda m: (m.group(1) + "\\" + m.group(2)) if m.group(2)
                           else (m.group(3) + "\\" + m.group(4)), text)
    text = _AUTOLINK.sub(lambda m: m.group(1)[0] + ZERO_WIDTH + m.group(1)[1:], text)
    text = _DIRECTIVE.sub(":" + ZERO_WIDTH, text)
    return _SYMBOLS.sub(lambda m: m.group(1) + ZERO_WIDTH, text)


def chart(value: object) -> str:
    """`value` as text in a Plotly title, label or hover: its tags shown, not drawn."""
    return html.escape(str("" if value is None else value), quote=False)

