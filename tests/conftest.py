"""Shared options and fixtures of the build's tests (tests/links has its own conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = TESTS_DIR.parent


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
