"""What pages ask, as plain functions over a `Source` (views.source): a user's protected,
scoped data. The pages (through monitor.ui, whose Source caches per database version) and the
command line (views.source.Direct) read the same views, so a deck written by `monitor deck` is
the deck the page shows. Nothing here imports Streamlit; it may import the read side
(monitor.views.reads and what it returns), never monitor.ui."""
