"""The weekly briefing as a PDF (attached to its email): the same parts and lines, in fpdf2's
core fonts (Latin-1: what they cannot draw is replaced, as in the debrief's PDF), at sizes read
on paper (title 18 pt, text 11 pt)."""

from __future__ import annotations

from monitor.present.debrief import latin1


def briefing_pdf(title: str, subtitle: str, sections: list[tuple[str, list[str]]],
                 links: list[tuple[str, str]]) -> bytes:
    """A portrait A4 PDF of a briefing's parts (title, lines) and its links."""
    from fpdf import FPDF  # a quarter of a second to import: only when a briefing is made

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(latin1(title))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(width, 8, latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.set_text_color(80, 82, 87)
    pdf.multi_cell(width, 6, latin1(subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    for heading, lines in sections:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(width, 7, latin1(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        for line in lines:
            pdf.multi_cell(width, 5.5, latin1(f"- {line}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 10)
    for what, address in links:
        pdf.multi_cell(width, 5, latin1(f"{what}: {address}"), new_x="LMARGIN", new_y="NEXT",
                       link=address)
    return bytes(pdf.output())
