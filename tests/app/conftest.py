import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    """AppTest runs share the process: settings and database handles must not leak between
    tests that point MONITOR_DB / MONITOR_CONFIG elsewhere."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
