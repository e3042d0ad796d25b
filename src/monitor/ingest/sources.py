"""What kind of export a file is, and the adapter that reads each kind."""

from __future__ import annotations

from monitor.ingest import (
    assessments,
    caaspp,
    coaching,
    iready,
    roster,
    surveys,
    walkthroughs,
)
from monitor.ingest.base import Columns, clip
from monitor.ingest.readers import RawTable, UnreadableFile
from monitor.items import Wording
from monitor.registry import ROSTER, Source

SOURCES = {
    ROSTER: roster.adapt,
    Source.ESGI: assessments.adapt_esgi,
    Source.IREADY: iready.adapt,
    Source.BENCHMARK: assessments.adapt_benchmark,
    Source.PERFORMANCE_TASK: assessments.adapt_performance_task,
    Source.STATE_TEST: assessments.adapt_state_test,
    Source.WALKTHROUGH: walkthroughs.adapt,
    Source.SURVEY: surveys.adapt,
    Source.COACHING: coaching.adapt,
    "caaspp_research": caaspp.adapt_research,
    "caaspp_entities": caaspp.adapt_entities,
    "caaspp_groups": caaspp.adapt_groups,
}

def detect_source(table: RawTable, wording: Wording | None = None, *,
                  headers_only: bool = False) -> str | None:
    """Which adapter a file needs, from its headers (`wording`: the district's own wording of
    survey items, config.toml [surveys.wording]); as a last resort, a form export of items
    not ours, from its answers. `headers_only`: None where its headers do not tell (`table`
    being the first rows of a file, its answers are for the whole file to tell)."""
    cols = Columns(table)
    if caaspp.looks_like_research(cols):
        return "caaspp_research"
    if caaspp.looks_like_entities(cols):
        return "caaspp_entities"
    if caaspp.looks_like_groups(cols):
        return "caaspp_groups"
    if roster.looks_like(cols):
        return "roster"
    if iready.looks_like(cols):
        return Source.IREADY
    if table.question_text is not None or surveys.is_long(cols) or surveys.is_wide(table, wording):
        return Source.SURVEY
    if coaching.looks_like(cols):
        return Source.COACHING
    if walkthroughs.looks_like(cols):
        return Source.WALKTHROUGH
    if assessments.looks_like_state(cols):
        return Source.STATE_TEST
    if cols.has("Test Name", "Total Questions"):
        return Source.ESGI
    if cols.has("Assessment"):
        return (Source.PERFORMANCE_TASK if assessments.is_performance_task(cols)
                else Source.BENCHMARK)
    if assessments.looks_like_wide_benchmark(cols):
        return Source.BENCHMARK
    if headers_only:
        return None
    if surveys.looks_like_unknown_items(table):
        return Source.SURVEY        # whose items are not known: the survey loader says which
    raise UnreadableFile(
        f"{table.path.name}: cannot tell what kind of export this is from its headers "
        f"({', '.join(clip(str(c)) for c in list(table.frame.columns)[:12])}); use --source "
        "with one of "
        f"{', '.join(SOURCES)}"
    )
