"""Shared options and fixtures of the build's tests (tests/links has its own conftest)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = TESTS_DIR.parent

# A run started in the background by a non-interactive shell inherits Ctrl+C (SIGINT)
# ignored, and so would every process a test starts: `serve` is stopped with it. A handler
# here is reset to the default in each program a test runs.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the current build instead of comparing against it",
    )


@pytest.fixture(autouse=True)
def _build_cache_in_tmp(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test's build cache lives in a folder of its own, never beside the fixtures."""
    monkeypatch.setenv("CLAWDEMY_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def templates_dir() -> Path:
    return PROJECT_ROOT / "templates"


@pytest.fixture(scope="session")
def fixture_sites() -> Path:
    return TESTS_DIR / "fixtures" / "sites"
