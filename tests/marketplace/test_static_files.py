"""What the templates load exists, and what is vendored is loaded.

A vendored library no page loads is dead weight that still looks like part of the site (and
sends readers looking for where it runs); a template naming a missing file is a broken page.
"""

import re

from django.contrib.staticfiles import finders

from marketplace.settings import BASE_DIR

STATIC_TAG = re.compile(r"""\{%\s*static\s+['"]([^'"]+)['"]""")
VENDOR = BASE_DIR / "static" / "vendor"


def static_paths_in_templates() -> dict[str, list[str]]:
    """Each path named by a `{% static '…' %}` tag in templates/, with the templates naming it."""
    found: dict[str, list[str]] = {}
    for template in sorted((BASE_DIR / "templates").rglob("*.html")):
        for path in STATIC_TAG.findall(template.read_text(encoding="utf-8")):
            found.setdefault(path, []).append(str(template.relative_to(BASE_DIR)))
    return found


def test_every_static_file_a_template_loads_exists():
    referenced = static_paths_in_templates()

    assert "vendor/htmx-2.0.11.min.js" in referenced  # the check reads the tags at all
    assert {path: names for path, names in referenced.items() if finders.find(path) is None} == {}


def test_every_vendored_file_is_loaded_by_a_template():
    referenced = static_paths_in_templates()
    vendored = sorted(f"vendor/{path.relative_to(VENDOR)}" for path in VENDOR.rglob("*") if path.is_file())

    assert vendored
    assert [path for path in vendored if path not in referenced] == []
