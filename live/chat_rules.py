"""What a chat line may say: its length, and what holds it back for the moderators.

Content never refuses: a message with one of the shop's blocked words or an off-platform contact
(phone, WhatsApp, bank account, e-mail, social handle, link: marketplace.contact_detection) is
saved HELD with its reason (live/chat.py).
"""

import re

from live.enums import HeldReason
from live.errors import MessageEmpty, MessageTooLong
from marketplace.contact_detection import find_contact

MAX_MESSAGE_LENGTH = 200


def find_off_platform(text: str) -> str | None:
    """The HeldReason when the text offers a way to deal outside Lapak, else None (the one
    detector, marketplace.contact_detection, decides; its kinds are HeldReason values)."""
    kind = find_contact(text)
    return HeldReason(kind.value) if kind else None


def find_blocked_word(text: str, words: list[str]) -> str | None:
    """The first blocked word or phrase found as a whole word (case-insensitive)."""
    lowered = text.lower()
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered):
            return word
    return None


def check_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise MessageEmpty()
    if len(text) > MAX_MESSAGE_LENGTH:
        raise MessageTooLong(limit=MAX_MESSAGE_LENGTH)
    return text
