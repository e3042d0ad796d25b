"""The briefing's email parts (monitor.views.briefing): every value escaped in the HTML, each
part saying why it is empty, the links as given; the mail carries text, HTML and the PDF, and
recipients are district staff and principals (one per school), never viewers."""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium

from monitor.config import UserAccess, load_settings
from monitor.present.briefing import briefing_pdf
from monitor.serving import mail
from monitor.views import briefing

HOSTILE = "<img src=x onerror=alert(1)> **bold** [link](http://phish.test)"


def _briefing(**parts) -> briefing.Briefing:
    return briefing.Briefing(
        "0610011", HOSTILE, dt.date(2027, 2, 15), parts.get("goals", [HOSTILE]),
        "What changed since Feb 8", parts.get("week", []), parts.get("attention", []),
        parts.get("stale", []), [("The school's page", "https://m.test/school?school=1&year=2026-27")])


def test_the_html_escapes_every_value_and_each_empty_part_says_why():
    found = briefing.as_html(_briefing())
    assert "<img" not in found and "&lt;img src=x onerror=alert(1)&gt;" in found
    assert "Nothing changed this week." in found and "Nothing off track." in found
    assert "Every source with a cadence is on time." in found
    assert "href='https://m.test/school?school=1&amp;year=2026-27'" in found
    text = briefing.as_text(_briefing(attention=["Whole school: ESGI ELA at W2: 41%"]))
    assert "- Whole school: ESGI ELA at W2: 41%" in text
    assert text.startswith(f"{HOSTILE}: the week to February 15, 2027\n")


def test_the_mail_has_text_html_and_the_pdf():
    found = _briefing(stale=["i-Ready: last results Nov 2, 21 days ago"])
    pdf = briefing_pdf(found.subject, "As of February 15, 2027", found.sections(), found.links)
    message = mail.message(found, "p@district.org", "monitor@district.org", pdf)
    assert message["To"] == "p@district.org" and message["Subject"] == found.subject
    assert {part.get_content_type() for part in message.walk()} >= {
        "text/plain", "text/html", "application/pdf"}
    [attachment] = list(message.iter_attachments())
    words = "\n".join(page.get_textpage().get_text_range()
                      for page in pdfium.PdfDocument(attachment.get_content()))
    assert "i-Ready: last results Nov 2, 21 days ago" in words
    assert "Data not fresh" in words


def test_recipients_are_district_staff_and_each_principals_schools():
    settings = load_settings()
    access = settings.access.model_copy(update={"users": {
        "chief@d.org": UserAccess(role="district"),
        "p@d.org": UserAccess(role="principal", schools=["1", "2"]),
        "board@d.org": UserAccess(role="viewer")}})
    found = mail.recipients(settings.model_copy(update={"access": access}))
    assert found == [mail.Recipient("chief@d.org", "district"), mail.Recipient("p@d.org", "1"),
                     mail.Recipient("p@d.org", "2")]
