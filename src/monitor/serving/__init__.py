"""Serving the dashboard to a district: several Streamlit workers behind nginx (the
configuration written for them, the security headers, TLS), started by `monitor serve`."""
