"""Template comments never reach the page.

Django's `{# … #}` comment is one line only: spread over two, it is printed as text. Comments
over several lines are `{% comment %} … {% endcomment %}`.
"""

import re

import pytest

from marketplace.settings import BASE_DIR

TEMPLATES = BASE_DIR / "templates"
UNCLOSED_COMMENT = re.compile(r"\{#(?!.*?#\})")


def unclosed_comments(root=TEMPLATES) -> list[str]:
    """Every line of a file under `root` that opens `{#` and does not close it, as file:line."""
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if UNCLOSED_COMMENT.search(line):
                found.append(f"{path.relative_to(root.parent)}:{number}: {line.strip()}")
    return found


def test_every_one_line_comment_closes_on_its_line():
    assert unclosed_comments() == []


def test_the_check_finds_a_comment_spread_over_two_lines(tmp_path):
    (tmp_path / "page.html").write_text("{# fine #}<p>{# also fine #}</p>\n{# spread over\n   two lines #}\n")

    assert unclosed_comments(tmp_path) == [f"{tmp_path.name}/page.html:2: {{# spread over"]


@pytest.mark.django_db
def test_the_home_page_shows_no_template_comment(client):
    html = client.get("/").content.decode()

    assert "{#" not in html
    assert "#}" not in html
