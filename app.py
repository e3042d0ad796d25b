"""The frame: page config, every page in one st.navigation, the shared sidebar filters.

Pages live in app_pages/, not pages/: Streamlit treats a folder named pages/ beside the entry
script as an old-style multipage app, and then a request for a page's URL can run that page
script on its own, without this frame (its filters, and later its access checks).
"""

import streamlit as st

from monitor.config import ConfigError
from monitor.db import DatabaseMissing
from monitor.ui import data, filters

st.set_page_config(page_title="District progress monitor", page_icon=":material/monitoring:",
                   layout="wide")

try:
    settings = data.settings()
    data.stamp()
except ConfigError as exc:
    st.error(f"The dashboard cannot start: config.toml is not valid.\n\n```\n{exc}\n```")
    st.stop()
except DatabaseMissing as exc:
    st.error(str(exc))
    st.stop()

pages = [
    st.Page("app_pages/overview.py", title="District overview", icon=":material/dashboard:",
            default=True),
    st.Page("app_pages/school.py", title="School", icon=":material/school:"),
    st.Page("app_pages/groups.py", title="Student groups", icon=":material/diversity_3:"),
    st.Page("app_pages/learning_walks.py", title="Learning walks", icon=":material/directions_walk:"),
    st.Page("app_pages/surveys.py", title="Surveys", icon=":material/forum:"),
    st.Page("app_pages/data.py", title="Data", icon=":material/database:"),
]
page = st.navigation(pages)
st.session_state["filters"] = filters.render_sidebar(settings)
st.sidebar.caption(f"As of {settings.as_of_date():%B %-d, %Y}")
page.run()
