"""Known-vulnerability and static security scans, as part of the test command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
import warnings
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from packaging.version import InvalidVersion, Version

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


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _project(name: str) -> dict:
    with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=30) as response:
        return json.load(response)


def affects(advisory: dict, installed: str) -> bool:
    """Whether an advisory PyPI lists for a project's newest release also describes the
    installed one: unless it was fixed in a release at or before the installed one."""
    fixed = [Version(v) for v in advisory.get("fixed_in") or [] if _is_version(v)]
    return not any(v <= Version(installed) for v in fixed) and not advisory.get("withdrawn")


def _is_version(text: str) -> bool:
    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


def test_pip_audit_finds_no_known_vulnerability():
    """pip-audit over every installed distribution, then PyPI's own data for what pip-audit
    could not look up (this machine's registry answers only for each project's newest
    release): the newest release's advisories, which describe the installed release too unless
    fixed at or before it, and whether the installed release was yanked.

    Only a known advisory or a yanked release fails. A newer release upstream is reported as
    information (a warning in the summary), never a failure: the suite must not turn red
    because a registry published something today."""
    result = subprocess.run(
        [str(BIN / "pip-audit"), "--skip-editable", "--progress-spinner", "off", "--format",
         "json"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    report = json.loads(result.stdout)
    vulnerable = [f"{d['name']} {d['version']}: {[v['id'] for v in d['vulns']]}"
                  for d in report["dependencies"] if d.get("vulns")]
    assert vulnerable == [], vulnerable
    assert len(report["dependencies"]) > 50
    installed = {_canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    skipped = sorted(_canonical(d["name"]) for d in report["dependencies"] if "skip_reason" in d)
    with ThreadPoolExecutor(8) as pool:
        projects = dict(zip(skipped, pool.map(_project, skipped), strict=True))
    advisories, yanked, behind = [], [], []
    for name, project in projects.items():
        version = installed[name]
        found = [a.get("id") for a in project.get("vulnerabilities") or [] if affects(a, version)]
        if found:
            advisories.append(f"{name} {version}: {found}")
        files = project.get("releases", {}).get(version) or []
        if files and all(f.get("yanked") for f in files):
            yanked.append(f"{name} {version}: {files[0].get('yanked_reason') or 'yanked'}")
        newest = project["info"]["version"]
        if _is_version(newest) and Version(newest) > Version(version):
            behind.append(f"{name} {version} (newest {newest})")
    assert advisories == [], advisories
    assert yanked == [], yanked
    if behind:
        warnings.warn("Newer releases available (information, not a failure): "
                      + ", ".join(behind), stacklevel=1)


def test_an_advisory_counts_against_the_installed_release_unless_fixed_by_it():
    advisory = {"id": "GHSA-x", "fixed_in": ["2.0.1"]}
    assert affects(advisory, "2.0.0")
    assert not affects(advisory, "2.0.1")
    assert not affects(advisory, "2.1.0")
    assert affects({"id": "GHSA-y", "fixed_in": []}, "1.0")
    assert not affects({"id": "GHSA-z", "fixed_in": [], "withdrawn": "2026-01-01"}, "1.0")
