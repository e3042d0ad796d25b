"""Drawing without Streamlit: the Plotly figures every page and slide uses (one colour
language, goals as named dashed lines, the projector's type) and the learning-walk debrief's
deck as PDF and PowerPoint. Takes data already protected and shaped by the views; computes no
measure."""
