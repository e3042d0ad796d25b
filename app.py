"""The frame: page config, sign-in and the user's scope, the pages they may open, the filters.

Pages live in app_pages/, not pages/: Streamlit treats a folder named pages/ beside the entry
script as an old-style multipage app, and then a request for a page's URL can run that page
script on its own, without this frame (its sign-in, scope and filters).
"""

import sqlalchemy
import streamlit as st

from monitor import text
from monitor.access import AccessDenied
from monitor.config import ConfigError
from monitor.db import DatabaseProblem
from monitor.ui import data, filters, signin, warm

# The tab's icon is served by this app (a Material icon here is fetched from Google's fonts:
# no page asks another host for anything).
st.set_page_config(page_title="District progress monitor", page_icon=signin.APP_ICON,
                   layout="wide")

try:
    settings = data.settings()
    data.ready()
    warm.watch()
except ConfigError as exc:
    st.error(f"The dashboard cannot start: config.toml is not valid.\n\n```\n{exc}\n```")
    st.stop()
except DatabaseProblem as exc:        # missing, locked, unreadable, older or newer schema
    st.error(text.markdown(exc), icon=":material/database:")
    st.stop()

# Captions and shortcut hints in a darker grey than Streamlit's: readable (WCAG AA contrast)
# on a projector and for low vision. Static style, no data in it.
st.html("<style>[data-testid='stCaptionContainer'] {opacity: 1 !important; color: #505257 "
        "!important;} kbd {opacity: 1 !important; color: #303236 !important;}"
        # A first screen's three answers fit 1366 x 768: less empty space above the title
        # (Streamlit's own is 6rem), compact messages.
        "[data-testid='stMainBlockContainer'] {padding-top: 3.6rem;}"
        ".stMain h1 {font-size: 2.1rem; padding-top: 0.1rem; padding-bottom: 0.1rem;}"
        "[data-testid='stAlertContainer'] {padding: 0.45rem 0.8rem;}</style>")

# The store of what people write (goals set in the product, cycles, notes) could not be read:
# the pages measure against config.toml's goals meanwhile, and say so.
unreadable = data.goals_unreadable()
if unreadable:
    st.warning(text.markdown(
        "The goals set in the product cannot be read just now (the store of what people "
        f"write: {unreadable}): every page measures against config.toml's goals until it is "
        "back. Tell the district's data team."), icon=":material/warning:")

# Worked out again on every run from the signed-in identity, never kept from an earlier run.
scope = signin.scope_or_stop(settings)
st.session_state[filters.SCOPE_KEY] = scope

pages = [
    st.Page("app_pages/overview.py", title="District overview", icon=":material/dashboard:",
            default=True),
    st.Page("app_pages/school.py", title="School", icon=":material/school:"),
    st.Page("app_pages/groups.py", title="Student groups", icon=":material/diversity_3:"),
    st.Page("app_pages/learning_walks.py", title="Learning walks", icon=":material/directions_walk:"),
    st.Page("app_pages/surveys.py", title="Surveys", icon=":material/forum:"),
    st.Page("app_pages/cycles.py", title="Improvement cycles", icon=":material/autorenew:"),
    st.Page("app_pages/reflection.py", title="System reflection", icon=":material/psychology:"),
    st.Page("app_pages/goals.py", title="Goals", icon=":material/flag:"),
]
if scope.analyst:
    pages.append(st.Page("app_pages/data.py", title="Data", icon=":material/database:"))
page = st.navigation(pages)
try:
    # The cache warmer (monitor.ui.warm) waits while a page runs.
    with warm.page_run():
        # A filter a page does not read is not offered there; the sidebar says why.
        unused = {"subject": "Surveys are chosen on the page (student, teacher, leader)."} \
            if page.title == "Surveys" else None
        if page.title == "System reflection":
            why = "The reflection is the district's, for all students."
            unused = {"school": why, "subject": why, "grade": why, "group": why,
                      "window": "The headline indicators run to the as-of date."}
        if page.title == "Goals":
            why = "Goals are set for all students, per measure and subject (chosen here)."
            unused = {"subject": why, "grade": why, "group": why,
                      "window": "Goals are set for the current school year."}
        if page.title == "Improvement cycles":
            why = "Each cycle names its own indicators, for all students."
            unused = {"subject": why, "grade": why, "group": why,
                      "window": "A cycle's review runs to the as-of date."}
        st.session_state["filters"] = filters.render_sidebar(settings, scope, unused)
        signin.render_account(settings, scope)
        st.sidebar.caption(f"As of {settings.as_of_date():%B %-d, %Y}")
        page.run()
except DatabaseProblem as exc:       # e.g. the file was swapped for an unreadable one meanwhile
    st.error(text.markdown(exc), icon=":material/database:")
except sqlalchemy.exc.SQLAlchemyError as exc:      # the store (what people write) is down
    st.error(text.markdown(
        "The store of what people write (cycles, notes, goals, the reflection) cannot be read "
        f"just now: {type(exc).__name__}. What is above is the data as loaded; the rest of "
        "this page needs the store. Tell the district's data team."),
        icon=":material/cloud_off:")
except AccessDenied as exc:
    st.error(text.markdown(f"{exc} Ask the district's data team if you need more."),
             icon=":material/lock:")
    if scope.schools:
        st.page_link(pages[0], label="Open your school's view", query_params={
            "school": scope.schools[0]}, icon=":material/school:")
