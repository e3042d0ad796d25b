"""Settings from config.toml, validated with pydantic.

Everything a district can change lives in config.toml: windows and their dates, goals per
measure and window, the approaching band, the minimum n, student groups, survey scale rules and
column mappings. `load_settings()` reads it (path from MONITOR_CONFIG, else the project root)
and turns any bad value into a `ConfigError` whose message names the key. `sections` holds one
model per section of the file, `settings` the whole and how it is read.
"""

from monitor.config.sections import (
           Access,
           Calendar,
           Coaching,
           Cycles,
           Digest,
           District,
           Engine,
           Framework,
           Group,
           GroupField,
           Lever,
           Loading,
           Measure,
           Privacy,
           Reflection,
           Role,
           SetGoal,
           SourceCadence,
           Status,
           Surveys,
           UserAccess,
           Window,
)
from monitor.config.settings import PROJECT_ROOT, ConfigError, Settings, config_path, load_settings

__all__ = ["Access", "Calendar", "Coaching", "ConfigError", "Cycles", "Digest", "District",
           "Engine", "Framework", "Group", "GroupField", "Lever", "Loading", "Measure",
           "PROJECT_ROOT", "Privacy", "Reflection", "Role", "SetGoal", "SourceCadence", "Settings",
           "Status", "Surveys", "UserAccess", "Window", "config_path", "load_settings"]
