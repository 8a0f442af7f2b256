"""Reading an HTML response: its tags and attributes, its text, its messages and form errors."""

from html.parser import HTMLParser

from django.contrib.messages import get_messages


def html(response) -> str:
    return response.content.decode()


def page_html(response) -> str:
    """The text of a page that must have been served (200)."""
    assert response.status_code == 200
    return response.content.decode()


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(response) -> list[tuple[str, dict]]:
    assert response.status_code == 200
    parser = _Tags()
    parser.feed(response.content.decode())
    return parser.tags


def find(page, attribute: str, value: str | None = None) -> list[dict]:
    return [
        attrs for _tag, attrs in page if attribute in attrs and (value is None or attrs[attribute] == value)
    ]


def one(page, attribute: str, value: str | None = None) -> dict:
    found = find(page, attribute, value)
    assert len(found) == 1, f"{attribute}={value}: {len(found)} found"
    return found[0]


def shown(attrs: dict) -> bool:
    return "hidden" not in attrs


def form_actions(page) -> set[str]:
    return {attrs.get("action") for tag, attrs in page if tag == "form" and attrs.get("method") == "post"}


def scripts(page) -> list[str]:
    return [attrs["src"].rsplit("/", 1)[-1] for tag, attrs in page if tag == "script" and "src" in attrs]


def options(page, select_attribute: str) -> list[dict]:
    """The <option>s of the select carrying `select_attribute` (the page has one such select)."""
    inside, found = False, []
    for tag, attrs in page:
        if tag == "select":
            inside = select_attribute in attrs
        elif tag == "option" and inside:
            found.append(attrs)
    return found


def messages_of(response) -> list[str]:
    """The messages the response queued (shown on the next page)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def flashed(response) -> list[tuple[int, str]]:
    """The messages shown on the page a plain form post was redirected to."""
    return [(message.level, str(message)) for message in response.context["messages"]]


def admin_form_errors(response) -> dict:
    """The errors of the admin change form the response showed again."""
    return response.context["adminform"].form.errors
