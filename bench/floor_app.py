"""The browser floor: the smallest Streamlit page with one small Plotly chart and no data.

bench/browser.py times it like the app's pages, so the report can tell what the browser costs
by itself (loading Streamlit's and Plotly's JavaScript in a new tab, drawing) from what the
dashboard adds.
"""

import plotly.graph_objects as go
import streamlit as st

st.title("Floor")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[60, 75, 80])), theme=None)
