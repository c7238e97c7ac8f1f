"""The CI workflow (`.github/workflows/site.yml`): this repository's and the one `init` writes.

Both are linted with actionlint and validated against the GitHub-workflow schema that
check-jsonschema vendors; neither tool needs the network. A broken workflow must be
refused by each, so a tool that quietly checks nothing would fail here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from clawdemy_site.starter import starter_files, workflow_text

ROOT = Path(__file__).resolve().parent.parent
REPO_WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"
BIN = Path(sys.executable).parent


def actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("actionlint", path=str(BIN)) or "actionlint"
    return subprocess.run(
        [tool, "-no-color", str(path)], capture_output=True, text=True, timeout=60
    )


def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            *(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows"),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_this_repository_runs_the_workflow_init_writes() -> None:
    assert REPO_WORKFLOW.read_text() == workflow_text(".")


def init_workflow(tmp_path: Path) -> Path:
    path = tmp_path / ".github" / "workflows" / "site.yml"
    path.parent.mkdir(parents=True)
    path.write_text(starter_files("A course", "1.2.3")[".github/workflows/site.yml"])
    return path


@pytest.mark.parametrize("which", ["repository", "init"])
def test_the_workflow_passes_actionlint_and_the_schema(which: str, tmp_path: Path) -> None:
    path = REPO_WORKFLOW if which == "repository" else init_workflow(tmp_path)
    linted = actionlint(path)
    assert (linted.returncode, linted.stdout) == (0, "")
    checked = check_jsonschema(path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "ok -- validation done" in checked.stdout


def test_the_workflow_does_what_the_site_needs(tmp_path: Path) -> None:
    workflow = yaml.safe_load(init_workflow(tmp_path).read_text())
    triggers = workflow[True]  # PyYAML reads the key `on` as true
    assert set(triggers) == {"push", "pull_request", "schedule", "workflow_dispatch"}
    jobs = workflow["jobs"]
    runs = [step.get("run", "") for job in jobs.values() for step in job["steps"]]
    uses = [step.get("uses", "") for job in jobs.values() for step in job["steps"]]
    assert "python -m pip install clawdemy-site==1.2.3" in runs
    assert "clawdemy build --strict" in runs
    check = next(run for run in runs if run.startswith("clawdemy check-links --format json"))
    assert "--changed-since origin/{0}" in check  # pull requests: only what they change
    assert "--fail-on ${{ github.event_name == 'schedule' && 'new' || 'all' }}" in check
    assert "clawdemy check-links merge links.json --format github" in runs
    assert any('>> "$GITHUB_STEP_SUMMARY"' in run for run in runs)
    assert {"actions/cache/restore@v4", "actions/cache/save@v4"} <= set(uses)
    assert {"actions/upload-pages-artifact@v3", "actions/deploy-pages@v4"} <= set(uses)
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_a_broken_workflow_is_refused_by_both_tools(tmp_path: Path) -> None:
    path = init_workflow(tmp_path)
    text = path.read_text()
    path.write_text(text.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest", 1))
    linted = actionlint(path)
    assert linted.returncode == 1
    assert '"runs-on" section is missing in job "build"' in linted.stdout
    assert check_jsonschema(path).returncode == 1
