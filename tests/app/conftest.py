"""App tests share the process, and so Streamlit's caches: every cache key holds the database
version, the settings file's version and the as-of date (monitor.ui.data._key), so a test that
points MONITOR_DB, MONITOR_CONFIG or MONITOR_AS_OF elsewhere gets its own results without
clearing anyone's, and tests on the same demo database reuse each other's."""
