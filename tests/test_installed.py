"""clawdemy as an author gets it: a wheel, installed into a fresh virtual environment.

The wheel is built from a copy of the files the package is made of (offline, with the
test environment's setuptools) and installed without an editable link. Its dependencies
come from the test environment through a path entry, because tests run with no network;
every test first checks that `clawdemy_site` itself is imported from the fresh
environment, so nothing here can pass by reaching back into this repository.
`scripts/try-as-author` does the same with a full install from the package index.
"""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
import sysconfig
import tomllib
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest
from clawdemy_testkit import write_site, write_tree

ROOT = Path(__file__).resolve().parent.parent
#: What the package is built from; anything else in the repository must not matter.
SOURCES = ("pyproject.toml", "README.md", "src", "templates")


@dataclass(frozen=True)
class Installed:
    venv: Path
    python: Path
    clawdemy: Path

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.clawdemy), *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": str(self.venv / "bin"), "HOME": str(cwd), "NO_COLOR": "1"},
        )


def _build_wheel(work: Path) -> Path:
    source = work / "source"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    wheels = work / "wheels"
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"),
            *("--no-build-isolation", "--wheel-dir", str(wheels), str(source)),
        ],
        check=True,
        capture_output=True,
        timeout=110,
    )
    (wheel,) = wheels.glob("clawdemy_site-*.whl")
    return wheel


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("installed")
    wheel = _build_wheel(work)
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"),
            *("--no-deps", "--no-index", str(wheel)),
        ],
        check=True,
        capture_output=True,
        timeout=110,
    )
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The dependencies (jinja2, click, ...): this environment's site-packages, *after* the
    # fresh one. A path entry does not run that folder's .pth files, so the editable
    # install of this repository stays out of reach.
    ours = site.getsitepackages()[0] if site.getsitepackages() else sysconfig.get_path("purelib")
    (purelib / "zz_test_dependencies.pth").write_text(ours + "\n")
    return Installed(env_dir, python, env_dir / "bin" / "clawdemy")


def test_the_package_is_imported_from_the_wheel(installed: Installed, tmp_path: Path) -> None:
    code = (
        "import clawdemy_site, clawdemy_site.render.templates as t;"
        "print(clawdemy_site.__file__); print(t.theme_dir())"
    )
    done = subprocess.run(
        [str(installed.python), "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    package, theme = done.stdout.splitlines()
    assert Path(package).is_relative_to(installed.venv)
    assert Path(theme).is_relative_to(installed.venv)
    shipped = sorted(p.relative_to(theme).as_posix() for p in Path(theme).rglob("*") if p.is_file())
    source = ROOT / "templates"
    assert shipped == sorted(
        p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()
    )


def test_a_site_without_templates_builds_strict(installed: Installed, tmp_path: Path) -> None:
    write_site(tmp_path, {})
    done = installed.run("build", "--strict", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr == "built 8 pages (1 lesson in 1 track) into build\n"
    assert (tmp_path / "build" / "static" / "site.css").is_file()
    assert "Skip to content" in (tmp_path / "build" / "index.html").read_text()
    done = installed.run("check-links", "--offline", "--no-cache", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "45 links: 45 ok\npassed: no link fails the run\n")


def test_a_site_template_overrides_the_installed_theme(
    installed: Installed, tmp_path: Path
) -> None:
    write_site(tmp_path, {})
    write_tree(
        tmp_path / "templates",
        {"base.html": '{% extends "clawdemy/base.html" %}{% block title %}Ours{% endblock %}'},
    )
    done = installed.run("build", "--strict", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (
        "<title>Ours</title>" in (tmp_path / "build" / "t" / "01-intro" / "index.html").read_text()
    )


def test_every_package_under_src_is_shipped() -> None:
    # pyproject.toml lists packages by hand (the theme is mapped in from templates/), so a
    # new sub-package left off the list would be missing from the wheel.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    src = ROOT / "src"
    found = {
        init.parent.relative_to(src).as_posix().replace("/", ".")
        for init in src.rglob("__init__.py")
    }
    theme = {"clawdemy_site.theme", "clawdemy_site.theme.static"}
    assert set(config["packages"]) == found | theme
    assert config["package-dir"] == {"": "src", "clawdemy_site.theme": "templates"}


def test_an_author_starts_a_site_with_the_installed_command(
    installed: Installed, tmp_path: Path
) -> None:
    """The acceptance walk: init, new lesson, new track, build, check, exit codes."""
    done = installed.run("init", "course", "--title", "Optics", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    course = tmp_path / "course"
    steps = [
        (["new", "lesson", "first-steps", "Lenses and mirrors"], 0),
        (["new", "track", "waves", "Waves"], 0),
        (["build", "--strict", "-q"], 0),
        (["check", "--strict"], 0),
        (["check", "--format", "github"], 0),
        (["check-links", "--offline", "--no-cache", "-q"], 0),
        (["new", "lesson", "nowhere", "X"], 1),
        (["build", "--no-such-option"], 2),
    ]
    for args, code in steps:
        done = installed.run(*args, cwd=course)
        assert done.returncode == code, (args, done.stdout, done.stderr)
    assert (course / "content/first-steps/02-lenses-and-mirrors.md").is_file()
    assert (course / "content/waves/01-introduction.md").is_file()
    assert (course / "build/waves/01-introduction/index.html").is_file()
    lesson_schema = installed.run("schema", "--kind", "lesson", cwd=course)
    assert json.loads(lesson_schema.stdout) == json.loads(
        (course / "schema/lesson.json").read_text()
    )
    module = subprocess.run(
        [str(installed.python), "-m", "clawdemy_site", "--version"],
        capture_output=True,
        text=True,
        cwd=course,
    )
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert module.stdout == f"clawdemy, version {project['version']}\n"
