"""Known-vulnerability and static security scans, as part of the test command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from monitor.config import PROJECT_ROOT

BIN = Path(sys.executable).parent


def test_bandit_finds_nothing_in_the_code():
    result = subprocess.run(
        [str(BIN / "bandit"), "-q", "-r", "src", "app.py", "app_pages", "-f", "json"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
                for r in report["results"]]
    assert findings == [] and result.returncode == 0, findings


# Installed releases that are not PyPI's newest, so the registry's per-project advisories (which
# describe the newest release) cannot vouch for them, each with the reason it is not newer.
NOT_NEWEST = {
    "numpy": "2.4.6 is the newest numpy for Python 3.11 (2.5 needs 3.12)",
    "hypothesis": "test tool only; pinned for reproducible property tests",
    "oidc-provider-mock": "test tool only (a mock OpenID provider on localhost)",
    "monitor": "this project, installed editable",
}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _newest(name: str) -> tuple[str, list[dict]]:
    with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=30) as response:
        data = json.load(response)
    return data["info"]["version"], data.get("vulnerabilities") or []


def test_pip_audit_finds_no_known_vulnerability():
    """pip-audit over every installed distribution; where it cannot look a release up (this
    machine's registry serves only each project's newest release), PyPI's advisories for the
    newest release, which must be the one installed."""
    result = subprocess.run(
        [str(BIN / "pip-audit"), "--skip-editable", "--progress-spinner", "off", "--format",
         "json"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(result.stdout)
    vulnerable = [f"{d['name']} {d['version']}: {[v['id'] for v in d['vulns']]}"
                  for d in report["dependencies"] if d.get("vulns")]
    assert vulnerable == []
    installed = {_canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    skipped = sorted(_canonical(d["name"]) for d in report["dependencies"] if "skip_reason" in d)
    with ThreadPoolExecutor(8) as pool:
        newest = dict(zip(skipped, pool.map(_newest, skipped), strict=True))
    advisories = [f"{name} {installed[name]}: {[v.get('id') for v in vulns]}"
                  for name, (version, vulns) in newest.items()
                  if version == installed.get(name) and vulns]
    assert advisories == []
    behind = {name for name, (version, _) in newest.items() if version != installed.get(name)}
    assert behind <= set(NOT_NEWEST), sorted(behind - set(NOT_NEWEST))
    assert len(report["dependencies"]) > 50
