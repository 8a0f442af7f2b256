"""Finds offers to deal outside Lapak in what users write: phone and WhatsApp numbers, bank
accounts, e-mail addresses, social handles and messenger invitations, links to other shops.

One detector for every place user text is screened: live chat (live.chat holds the message for
the moderators), listings, shops, lives, vouchers, reviews and review replies (a form error), the
listing pre-screen, users' display names and usernames (`find_contact_in_name`, a form error).
`find_contact(text)` returns the first `ContactKind` found, or None.

People who want to dodge a filter disguise the number, so the text is first brought to one
shape (`digit_view`):
1. NFKC (fullwidth "０８１２" becomes "0812"), other scripts' digits to ASCII, and invisible or
   combining characters dropped (zero-width spaces, joiners, word joiner, BOM, soft hyphen,
   emoji variation selectors, the keycap in "0️⃣").
2. Lapak's own order numbers, dates and clock times are blanked: they look like long numbers.
3. Letters standing in for digits ("o8l2", "89O") become digits, but only inside a word that
   already holds a digit, a lone letter next to a number, or up to four of them between two
   numbers ("0813.IIII.2222"): ordinary words never turn into numbers.
4. Numbers spelled out in Indonesian or English ("nol delapan satu dua") become digits when two
   or more number words or numbers follow one another ("satu lagi" stays words).
5. Whatever stands between two digits that is not a letter or digit (spaces, dashes, dots,
   slashes, commas, brackets, emoji) becomes one space.
A phone number is then an Indonesian mobile number (0 / 62, then a real operator prefix 8xx, ten
to thirteen digits in all), so sizes ("38 39 40 41 42") and prices never read as one.

Handles and links need words, not digits: a platform named next to a handle or an invitation
("ig: tokobaju", "follow instagram kami", "DM aku", "wa aja"), or a domain of another shop or
messenger with its dots spelled out or spaced ("shopee . co . id", "t.me/xyz").

The labelled set in tests/data/contact_messages.py measures it (catch rate, false positives);
docs/architecture.md quotes the numbers.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone number")
    WHATSAPP = "whatsapp", _("WhatsApp contact")
    BANK_ACCOUNT = "bank_account", _("Bank account number")
    EMAIL = "email", _("E-mail address")
    SOCIAL = "social", _("Social media or messenger contact")
    LINK = "link", _("Link to another site")


# --- 1. Normal form -----------------------------------------------------------------------------

# Format characters (Cf: zero-width space/joiners, word joiner, BOM, soft hyphen, bidi marks) and
# combining marks (Mn, Me: variation selectors, the emoji keycap) carry no visible character of
# their own between two digits.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Mn", "Me"})


def _normal_form(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    kept = []
    for char in text:
        if char.isascii():
            kept.append(char)
            continue
        category = unicodedata.category(char)
        if category in _INVISIBLE_CATEGORIES:
            continue
        if category == "Nd":  # Arabic-Indic, Devanagari... digits
            kept.append(str(unicodedata.digit(char)))
        else:
            kept.append(char)
    return "".join(kept)


# --- 2. What looks like a number and is not one ------------------------------------------------

# Lapak's order numbers (orders.checkout._new_order_number): "LPK-261207-AB12CD".
_ORDER_NUMBER = re.compile(r"\bLPK-\d{6}-[A-Z0-9]{6}\b", re.IGNORECASE)
# Clock times "19:00", "19:00:30", "jam 19.00" / "pukul 7.30" (a dot needs the word before it).
_TIME = re.compile(
    r"(?<![\d:.])\d{1,2}:\d{2}(?::\d{2})?(?!\d|[:.]\d)"
    r"|\b(?:jam|jm|pukul|pkl)\.?\s*\d{1,2}[.:]\d{2}(?!\d|[:.]\d)",
    re.IGNORECASE,
)
# Dates "7/12", "07-12-2026", "7.12.26": day and month of one or two digits, the same separator.
# Not when more digits follow, which is how "08-12-34-56-78-90" stays a phone number.
_DATE = re.compile(r"(?<![\d/\-.])\d{1,2}([/\-.])\d{1,2}(?:\1(?:\d{4}|\d{2}))?(?![\d]|\s*[/\-.]?\s*\d)")


def _blank(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub(lambda match: " " * len(match.group()), text)


# --- 3 and 4. Letters and words for digits -----------------------------------------------------

# Case matters: "B" looks like 8, "b" like 6; "g" like 9, "G" like 6.
_LOOKALIKE_DIGITS = str.maketrans("oOlIi|zZeEaAsSbGtTBgq", "001111223344556677899")
_LOOKALIKES = frozenset("oOlIi|zZeEaAsSbGtTBgq")
_NUMBER_WORDS = {
    # Indonesian
    "nol": "0",
    "kosong": "0",
    "satu": "1",
    "dua": "2",
    "tiga": "3",
    "empat": "4",
    "lima": "5",
    "enam": "6",
    "tujuh": "7",
    "delapan": "8",
    "lapan": "8",
    "sembilan": "9",
    # English
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_WORD = re.compile(r"[^\W_]+")
# How far apart (in characters that are not letters or digits) two parts of one number may be:
# "0812 - 3456", "0812🔥🔥3456".
_MAX_GAP = 5


def _numeric_value(word: str) -> str | None:
    """The digits a word stands for on its own: "0812", "o8l2", "89O", "delapan"; else None."""
    if word.isdigit():
        return word
    if any(char.isdigit() for char in word) and all(char.isdigit() or char in _LOOKALIKES for char in word):
        return word.translate(_LOOKALIKE_DIGITS)
    return _NUMBER_WORDS.get(word.lower())


def _is_gap(text: str) -> bool:
    return len(text) <= _MAX_GAP and "\n" not in text


def _digits_for_words(text: str) -> str:
    """Steps 3 and 4: rewrite the words of `text` that stand for digits."""
    words = list(_WORD.finditer(text))
    values: list[str | None] = [_numeric_value(match.group()) for match in words]
    linked = [
        index > 0 and _is_gap(text[words[index - 1].end() : match.start()])
        for index, match in enumerate(words)
    ]

    def next_to_number(index: int) -> bool:
        before = index > 0 and linked[index] and values[index - 1] is not None
        after = index + 1 < len(words) and linked[index + 1] and values[index + 1] is not None
        return before or after

    # A lone look-alike letter next to a number: "0812 O 345", "O 8 1 2 ...". Harmless when it is
    # a size ("S 38" reads "5 38"): nothing shaped like a phone number comes of it.
    lone = [
        index
        for index, match in enumerate(words)
        if values[index] is None and len(match.group()) == 1 and match.group() in _LOOKALIKES
    ]
    for index in lone:
        if next_to_number(index):
            values[index] = words[index].group().translate(_LOOKALIKE_DIGITS)
    # A short run of look-alikes with numbers on both sides: "O813.IIII.2222".
    for index, match in enumerate(words):
        word = match.group()
        if values[index] is None and len(word) <= 4 and all(char in _LOOKALIKES for char in word):
            inside = 0 < index < len(words) - 1 and linked[index] and linked[index + 1]
            if inside and values[index - 1] is not None and values[index + 1] is not None:
                values[index] = word.translate(_LOOKALIKE_DIGITS)
    pieces, position = [], 0
    for index, match in enumerate(words):
        value = values[index]
        if value is None or value == match.group():
            continue
        # A number word counts only next to another number: "satu lagi" is not a digit.
        if not any(char.isdigit() for char in match.group()) and not next_to_number(index):
            continue
        pieces += [text[position : match.start()], value]
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


# --- 5. One space between the parts of a number -------------------------------------------------

_BETWEEN_DIGITS = re.compile(r"(?<=\d)[^\w\n]{1,%d}(?=\d)" % _MAX_GAP)  # noqa: UP031 - a regex
_UNDERSCORE_BETWEEN_DIGITS = re.compile(r"(?<=\d)_+(?=\d)")


def digit_view(text: str) -> str:
    """The text with every disguised number written as digits separated by single spaces."""
    text = _normal_form(text)
    text = _blank(_ORDER_NUMBER, text)
    text = _blank(_TIME, text)
    text = _blank(_DATE, text)
    text = _UNDERSCORE_BETWEEN_DIGITS.sub(" ", text)
    text = _digits_for_words(text)
    return _BETWEEN_DIGITS.sub(" ", text)


# --- Numbers ------------------------------------------------------------------------------------

# Indonesian mobile prefixes (0811–0819 Telkomsel, 0821–0823, 0828, 0831–0838, 0851–0859,
# 0877–0878, 0881–0889, 0895–0899): sizes and codes rarely start that way.
_OPERATOR = r"8 ?(?:1 ?[1-9]|2 ?[1-38]|3 ?[1-8]|5 ?[1-9]|7 ?[78]|8 ?[1-9]|9 ?[5-9])"
_PHONE = re.compile(rf"(?<!\d)(?:6 ?2|0) ?{_OPERATOR}(?: ?\d){{6,9}}(?!\d)")
# A number as digit_view writes it: digits, single spaces between its parts.
_DIGIT_RUN = re.compile(r"\d(?: ?\d)*")
_CONTIGUOUS_NUMBER = re.compile(r"(?<![^\W_])\d{10,16}(?![^\W_])")
# A tracking number is no bank account: "resi 000123456789".
_TRACKING_BEFORE = re.compile(r"(?:resi|awb|tracking|lacak|kode booking)\W{0,4}$", re.IGNORECASE)
_BANK_WORDS = re.compile(
    r"\b(?:rek|rekening|no\.?\s?rek|norek|nmr rek|bca|bri|bni|mandiri|bsi|btn|cimb|permata|danamon|"
    r"jago|seabank|dana|ovo|gopay|shopeepay|transfer|trf|tf|atas nama|a\.?n\.?)\b",
    re.IGNORECASE,
)
# Rupiah amounts, which go with "transfer" all the time: "1.250.000", "Rp 12.500.000".
_AMOUNT = re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:[.,]\d{3})+(?:,\d{1,2})?(?![\d]|[.,]\d)")


def _has_phone(view: str) -> bool:
    return bool(_PHONE.search(view))


def _has_bank_account(view: str, normal: str) -> bool:
    for match in _CONTIGUOUS_NUMBER.finditer(view):
        if not _TRACKING_BEFORE.search(view[: match.start()]):
            return True
    if not _BANK_WORDS.search(normal):
        return False
    without_amounts = digit_view(_AMOUNT.sub(" ", normal))
    return any(len(run.group().replace(" ", "")) >= 8 for run in _DIGIT_RUN.finditer(without_amounts))


# --- Words --------------------------------------------------------------------------------------

# WhatsApp by its full name, however spelled: always an invitation to leave.
_WHATSAPP_NAME = re.compile(
    r"\b(?:whats?\s?app?|wh?ats?app?|was+ap+|wazap|wasaf)\b|wa\.me\b|wa\.link\b|"
    r"\bwame\b|whatsapp\.com",
    re.IGNORECASE,
)
# The short "WA" ("w.a", "w a", "w/a"): also "wah", "wa'alaikumsalam" in chat, so only with a
# number or an invitation around it.
_WA = r"(?<![\w'])w\s?[./]?\s?a(?![\w'])"
_WA_INVITATION = re.compile(
    rf"(?:\b(?:chat|cet|hub|hubungi|kontak|contact|via|lewat|no|nomor|nomer|nmr|add|save|sv|simpan|japri|"
    rf"pc|langsung|minta|ke|di|by)\s*\.?\s*{_WA})|"
    rf"(?:{_WA}[\s.,:!-]*(?:me|aja|aj|ajah|saja|sj|dong|donk|aku|saya|sy|ku|gw|gue|gua|kami|admin|min|langsung|"
    rf"ya|yah|yaa|yuk|nya|ke|kak aja|ke sini|sini|:|=)(?!\w))",
    re.IGNORECASE,
)
_WA_ANYWHERE = re.compile(_WA, re.IGNORECASE)
# Checked after spaced or spelled dots are joined: "wa . me / 62812...".
_WHATSAPP_LINK = re.compile(r"wa\.me|wa\.link|whatsapp\.com", re.IGNORECASE)
_WA_NEAR_NUMBER = re.compile(rf"{_WA}\W{{0,6}}\d|\d\W{{0,6}}{_WA}", re.IGNORECASE)

# Messengers whose name alone is the invitation.
_MESSENGER = re.compile(
    r"\b(?:telegram|telegran|tele\s?gram|michat|wechat|kakaotalk|japri|pin\s?bb)\b", re.IGNORECASE
)
# "DM aku", "dm ya kak", "sudah dm": never "admin" or "10 dm" (decimetres).
_DIRECT_MESSAGE = re.compile(
    r"(?<!\d\s)(?<![\w])d\.?m(?!\w)|\bdirect message\b|\bpm aja\b|\bpc\s+(?:aja|ya|dong|me)\b"
    r"|\binbox\s+(?:aja|saja|dong|me|aku|saya|kami|admin)\b",
    re.IGNORECASE,
)
# Social networks: named with a handle after them ("ig: tokobaju", "tiktok @"), with "our"
# ("instagram kami"), or with an invitation just before ("follow ig", "cek tiktok").
_NETWORK = (
    r"(?:ig|insta|tele|instagram|instagr|tiktok|tik\s?tok|fb|facebook|twitter|twiter|line|snapchat"
    r"|youtube|yt)"
)
_NETWORK_WITH_HANDLE = re.compile(
    rf"\b{_NETWORK}\s*(?::|=|@|-\s*@|id\b|\bid\s*:)|\b{_NETWORK}\s+(?:[a-z0-9]+[._][a-z0-9._]+)"
    rf"|\b(?:id|akun|acc)\s+{_NETWORK}\b",
    re.IGNORECASE,
)
_NETWORK_OURS = re.compile(
    rf"\b{_NETWORK}\s+(?:kami|kita|ku|aku|saya|sy|gw|gue|toko|shop|olshop|official|admin|resmi)\b"
    rf"|\b{_NETWORK}ku\b"
    # "ig aja kak", "tele aja": the network offered instead of Lapak.
    rf"|\b{_NETWORK}\s+(?:aja|saja|ajah|dong|me)\b",
    re.IGNORECASE,
)
_NETWORK_INVITED = re.compile(
    r"\b(?:follow|folow|follback|foll|fol|cek|cekidot|check|kunjungi|mampir|add|subscribe|subs|dm|"
    r"hubungi|kontak|cari|search|visit|klik|ikuti)\b(?:\W+\w+){0,2}?\W+" + _NETWORK + r"\b",
    re.IGNORECASE,
)
# "@tokobaju_murah", "@toko.baju": handles in Instagram's shape. A bare "@rina" is a reply to
# someone in the room, "2 @50rb" a price each; neither is a contact.
_HANDLE = re.compile(
    r"(?<![\w@])@(?!rp\s?\d)(?=[a-z0-9._]*[a-z])[a-z0-9]+[._][a-z0-9._]*[a-z0-9]", re.IGNORECASE
)
_HANDLE_INVITED = re.compile(
    r"\b(?:follow|folow|fol|cek|check|add|dm|kunjungi|mampir|ikuti|cari)\s+@[a-z][a-z0-9._]{2,}",
    re.IGNORECASE,
)

# --- E-mail and links ---------------------------------------------------------------------------

_AT = r"(?:@|\(\s*at\s*\)|\[\s*at\s*\]|\{\s*at\s*\}|<\s*at\s*>|\bat\b|\bet\b|\(\s*et\s*\)|\[\s*et\s*\])"
_DOT = r"(?:\.|\(\s*(?:dot|titik)\s*\)|\[\s*(?:dot|titik)\s*\]|\{\s*(?:dot|titik)\s*\}|\bdot\b|\btitik\b)"
_MAIL_PROVIDER = r"(?:gmail|googlemail|yahoo|ymail|rocketmail|hotmail|outlook|icloud|proton(?:mail)?|aol)"
# The lookbehinds start each local part at its beginning only: no quadratic rescans of long text.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)
_EMAIL_SPELLED = re.compile(
    rf"(?<![\w.-])[a-z0-9][a-z0-9._-]*\s*{_AT}\s*(?:{_MAIL_PROVIDER}\b|[a-z0-9-]+\s*{_DOT}\s*(?:com|net|org|co\.id|id)\b)",
    re.IGNORECASE,
)
_EMAIL_WORD = re.compile(
    rf"\b(?:e-?mail|imel|surel)\s*(?::|=|ku\b|aku\b|saya\b|kami\b)|\b{_MAIL_PROVIDER}\s*{_DOT}\s*com\b",
    re.IGNORECASE,
)

# Spelled or spaced dots joined back before looking for domains: "shopee . co . id",
# "tokopedia dot com", "bit(dot)ly".
_SPACED_DOT = re.compile(rf"(?<=[a-z0-9])\s*{_DOT}\s*(?=[a-z0-9])", re.IGNORECASE)
_SHOP_OR_NETWORK_DOMAIN = re.compile(
    r"(?<![a-z0-9])(?:www\.)?(?:shopee|tokopedia|tokped|bukalapak|lazada|blibli|tiktok|instagram|facebook|"
    r"whatsapp|telegram|linktr|olx|carousell|zalora|jdid|line)\.(?:co\.id|com|id|link|me|ee|co|page)(?![a-z0-9])",
    re.IGNORECASE,
)
# Short links and messenger links; the shortest only with their path, "t.me/…".
_SHORT_LINK = re.compile(
    r"(?<![a-z0-9.])(?:bit\.ly|tinyurl\.com|shope\.ee|shp\.ee|tkp\.me|lzd\.co|fb\.me|fb\.com|fb\.watch|"
    r"instagr\.am|vt\.tiktok\.com|lin\.ee|line\.me|wa\.link|cutt\.ly|rb\.gy|linktr\.ee|"
    r"(?:s\.id|t\.me|m\.me|wa\.me)(?=\s*/))",
    re.IGNORECASE,
)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s]+", re.IGNORECASE)
_PLAIN_DOMAIN = re.compile(
    r"(?<![\w@.-])[a-z0-9-]{3,}\.(?:com|net|org|co\.id|my\.id|web\.id|biz\.id|link|shop|store|site|online|xyz|io)"
    r"(?![a-z0-9])",
    re.IGNORECASE,
)


def _own_host() -> str:
    return (urlsplit(settings.SITE_URL).hostname or "").lower()


def _is_own(link: str) -> bool:
    host = urlsplit(link if "://" in link else f"http://{link}").hostname or ""
    own = _own_host()
    return bool(own) and (host == own or host.endswith(f".{own}"))


def _has_link(normal: str) -> ContactKind | None:
    joined = _SPACED_DOT.sub(".", normal)
    for pattern in (_SHOP_OR_NETWORK_DOMAIN, _SHORT_LINK):
        if pattern.search(joined):
            return ContactKind.LINK
    for pattern in (_URL, _PLAIN_DOMAIN):
        if any(not _is_own(match.group()) for match in pattern.finditer(normal)):
            return ContactKind.LINK
    return None


# --- The detector -------------------------------------------------------------------------------


def find_contact(text: str) -> ContactKind | None:
    """The first way to deal outside Lapak that `text` offers, or None.

    In order: WhatsApp (its name, a wa.me link, or "WA" with a number or an invitation), a
    phone number, a bank account, an e-mail address, a link to another site, a social handle or
    messenger invitation.
    """
    normal = _normal_form(text)
    view = digit_view(text)
    whatsapp_link = _WHATSAPP_LINK.search(_SPACED_DOT.sub(".", normal))
    if whatsapp_link or _WHATSAPP_NAME.search(normal) or _WA_INVITATION.search(normal):
        return ContactKind.WHATSAPP
    # "WA" is looked for in the text before digits replace letters: the "A" of "W.A 0812" stays.
    if _WA_NEAR_NUMBER.search(normal) and any(
        len(run.group().replace(" ", "")) >= 6 for run in _DIGIT_RUN.finditer(view)
    ):
        return ContactKind.WHATSAPP
    if _has_phone(view):
        return ContactKind.WHATSAPP if _WA_ANYWHERE.search(normal) else ContactKind.PHONE
    if _has_bank_account(view, normal):
        return ContactKind.BANK_ACCOUNT
    if _EMAIL.search(normal) or _EMAIL_SPELLED.search(normal) or _EMAIL_WORD.search(normal):
        return ContactKind.EMAIL
    link = _has_link(normal)
    if link:
        return link
    social = (
        _MESSENGER,
        _DIRECT_MESSAGE,
        _NETWORK_WITH_HANDLE,
        _NETWORK_OURS,
        _NETWORK_INVITED,
        _HANDLE,
        _HANDLE_INVITED,
    )
    if any(pattern.search(normal) for pattern in social):
        return ContactKind.SOCIAL
    return None


# --- Names --------------------------------------------------------------------------------------

# A user's name shows next to every chat line and review they write, so a name is read as a
# handle: a network named in it ("IG tokoku", "tokoku_ig") is where it points. Not "wa" ("Wa Ode"
# is a name from Buton) nor "line" (a word): those need a number or an invitation, as anywhere.
_NETWORK_IN_NAME = re.compile(
    r"(?<![a-z0-9])(?:ig|insta|instagram|tiktok|fb|facebook|twitter|telegram|tele|youtube|yt)(?![a-z0-9])",
    re.IGNORECASE,
)
# Usernames have no spaces: "_", "." and "-" separate their words ("wa_aja", "dm.aku").
_NAME_SEPARATORS = re.compile(r"[_.-]+")


def find_contact_in_name(name: str) -> ContactKind | None:
    """The way to deal outside Lapak that a display name or username offers, or None: what
    `find_contact` finds in it as written or with its separators read as spaces, or a social
    network named in it."""
    spaced = _NAME_SEPARATORS.sub(" ", name)
    kind = find_contact(name) or find_contact(spaced)
    if kind:
        return kind
    if _NETWORK_IN_NAME.search(spaced):
        return ContactKind.SOCIAL
    return None


def contact_refusal_message(kind: ContactKind) -> str:
    """What a form says when it refuses text with a contact in it: the rule and why."""
    return gettext(
        "Contact details are not allowed here (%(kind)s). Buyers and sellers talk and pay on Lapak, "
        "where both are protected."
    ) % {"kind": kind.label}


def validate_no_contact(value: str) -> None:
    """A form field validator for public text (listings, replies): refuses any contact."""
    kind = find_contact(value or "")
    if kind:
        raise ValidationError(contact_refusal_message(kind), code="off_platform_contact")


def validate_no_contact_in_name(value: str) -> None:
    """A form field validator for a user's display name or username (shown with all they write)."""
    kind = find_contact_in_name(value or "")
    if kind:
        raise ValidationError(contact_refusal_message(kind), code="off_platform_contact")
