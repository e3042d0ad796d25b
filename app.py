"""The frame: page config, every page in one st.navigation, the shared sidebar filters."""

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
    st.Page("pages/overview.py", title="District overview", icon=":material/dashboard:",
            default=True),
    st.Page("pages/school.py", title="School", icon=":material/school:"),
    st.Page("pages/groups.py", title="Student groups", icon=":material/diversity_3:"),
    st.Page("pages/learning_walks.py", title="Learning walks", icon=":material/directions_walk:"),
    st.Page("pages/surveys.py", title="Surveys", icon=":material/forum:"),
    st.Page("pages/data.py", title="Data", icon=":material/database:"),
]
page = st.navigation(pages)
st.session_state["filters"] = filters.render_sidebar(settings)
st.sidebar.caption(f"As of {settings.as_of_date():%B %-d, %Y}")
page.run()
