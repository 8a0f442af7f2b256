"""The one base of every refusal a user sees: a sentence they can act on and a stable code.

Services raise a subclass; views turn it into a form error or a message, the API into a 4xx with
`code`, the room consumer into an error event. Interfaces catch `Refusal` and never need to know
which app refused.
"""

from django.utils.translation import gettext_lazy as _


class Refusal(Exception):
    """`message` is translated (in the language active when raised); `code` is machine-readable.

    Subclasses name their `code` and `default_message`; a caller may pass a more precise sentence.
    `str(refusal)` is the message, so templates and logs read the same sentence.
    """

    code: str = "refused"
    default_message = _("This cannot be done.")

    def __init__(self, message: str | None = None, *, code: str | None = None):
        self.message = str(message) if message else str(self.default_message)
        if code is not None:
            self.code = code
        super().__init__(self.message)
