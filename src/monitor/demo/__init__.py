"""The synthetic demo district (`district`: rosters, assessments, walks, surveys and
coaching as a vendor would export them, with stories a reader can find) and the year of
improvement cycles and reflections it tells (`story`). No real student is in it."""
