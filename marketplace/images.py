"""Uploaded images: what we accept, and what we store.

Accepted: JPEG, PNG and WebP, decided by what Pillow finds in the bytes (never the name or the
browser's content type), within a byte-size and a pixel-count limit. Stored: a re-encoded copy
under a server-generated name, turned upright from its EXIF orientation, with no EXIF/GPS, XMP,
ICC or comments (re-encoding without passing them on drops them), plus a WebP thumbnail.

`SafeImageField` is a model ImageField whose form field does all of this, so every ModelForm
(admin, inlines, profile) validates and re-encodes without remembering to.
"""

import io
import uuid
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
# Phone cameras often write MPO: a JPEG with extra frames appended. Pillow's JPEG opener reports it
# as "MPO"; we keep the first (main) frame and treat it as the JPEG it is.
FORMAT_ALIASES = {"MPO": "JPEG"}
# The only `info` entry worth carrying into the re-encoded copy (PNG/palette transparency).
# Pillow writes some entries back by default (a JPEG's comment, a PNG's ICC profile).
KEPT_INFO = ("transparency",)
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMBNAIL_SIZE = (480, 480)

# Pillow's own guard, tied to ours: a file past twice this raises DecompressionBombError on open.
Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS


def _open(data: bytes) -> Image.Image:
    """Open with only the formats we allow; header only, nothing decoded yet."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels() from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            raise ValidationError(
                _("Upload a JPEG, PNG or WebP image; this file is not one."), code="invalid_image"
            ) from exc
    if image.width * image.height > settings.IMAGE_MAX_PIXELS:
        raise _too_many_pixels()
    return image


def _read(file) -> bytes:
    size = getattr(file, "size", None)
    if size is not None and size > settings.IMAGE_MAX_BYTES:
        raise _too_big()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(settings.IMAGE_MAX_BYTES + 1)
    if hasattr(file, "seek"):
        file.seek(0)
    if len(data) > settings.IMAGE_MAX_BYTES:
        raise _too_big()
    return data


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The image has too many pixels (at most %(limit)s million)."),
        code="too_many_pixels",
        # :g keeps "40" for the default and still says something true for a limit under a million.
        params={"limit": f"{settings.IMAGE_MAX_PIXELS / 1_000_000:g}"},
    )


def _too_big() -> ValidationError:
    # filesizeformat, not "// 1 MB": a limit under 1 MB must not read "at most 0 MB".
    return ValidationError(
        _("The image is too large (at most %(limit)s)."),
        code="too_large",
        params={"limit": filesizeformat(settings.IMAGE_MAX_BYTES)},
    )


def _decode(data: bytes) -> Image.Image:
    image = _open(data)
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The image file is damaged or truncated."), code="invalid_image") from exc
    return image


def validate_image_upload(file) -> None:
    """Model-field validator: refuses anything that is not an allowed, bounded image."""
    _decode(_read(file))


def sanitize_image(file) -> ContentFile:
    """Validate and re-encode an upload; the result has a fresh name and no metadata."""
    data = _read(file)
    image = _decode(data)
    source_format = FORMAT_ALIASES.get(image.format, image.format)
    image = _without_metadata(ImageOps.exif_transpose(image))
    out = io.BytesIO()
    if source_format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif source_format == "PNG":
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, "WEBP", quality=85)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{EXTENSIONS[source_format]}")


def _without_metadata(image: Image.Image) -> Image.Image:
    """Forget what Pillow read besides pixels, so no encoder can write it back."""
    image.info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
    return image


def make_thumbnail(file, size: tuple[int, int] = THUMBNAIL_SIZE) -> ContentFile:
    """A WebP thumbnail that fits in `size`, from an already sanitized image."""
    image = _decode(_read(file))
    image = ImageOps.exif_transpose(image)
    image.thumbnail(size)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    image.save(out, "WEBP", quality=80)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.webp")


class SafeImageFormField(forms.ImageField):
    default_error_messages = {
        "invalid_image": _("Upload a JPEG, PNG or WebP image; this file is not one."),
    }

    def to_python(self, data):
        if data in self.empty_values:
            return None
        # Our own checks first: Django's ImageField would hand the file to every Pillow format.
        return sanitize_image(data)


class SafeImageField(models.ImageField):
    """An ImageField whose uploads are validated and re-encoded by `sanitize_image`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SafeImageFormField, **kwargs})
