"""Uploads go through real ModelForms, as the admin and the profile page use them.

What must hold: only JPEG/PNG/WebP within the byte and pixel limits get in; a refusal is a form
error (never a 500, never a big allocation) and writes nothing; what is stored is re-encoded,
upright, stripped of metadata and named by the server; thumbnails are small WebPs.
"""

import io
import re
import tracemalloc
from pathlib import Path

import pytest
from django import forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageCms, PngImagePlugin

from marketplace.images import make_thumbnail, sanitize_image, validate_image_upload
from marketplace.models import User
from shops.models import ProductImage
from shops.services import product_image_make_thumbnail

SERVER_NAME = re.compile(r"^products/[0-9a-f]{32}\.(jpg|png|webp)$")
SECRET = b"Jl. Rahasia No. 7"  # planted in metadata; must not survive in stored bytes


class AvatarForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["avatar"]


class ProductImageForm(forms.ModelForm):
    class Meta:
        model = ProductImage
        fields = ["image", "alt_text"]


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def noisy(size=(320, 240)) -> Image.Image:
    # Noise does not compress, so encoded files have a real size and a truncation cuts pixel data.
    return Image.frombytes("RGB", size, bytes(range(256)) * (size[0] * size[1] * 3 // 256 + 1))


def avatar_form(user, data: bytes, name: str) -> AvatarForm:
    return AvatarForm(files={"avatar": SimpleUploadedFile(name, data)}, instance=user)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def only_error(form, field):
    errors = form.errors.as_data()[field]
    assert len(errors) == 1
    error = errors[0]
    with translation.override("en"):
        return error.code, " ".join(error.messages)


@pytest.fixture
def user(user_factory):
    return user_factory(username="rina")


# --- refused ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_decompression_bomb_is_a_form_error_and_never_decoded(user, settings):
    # given: 20000×20000 = 400 million pixels declared, a few KB on disk
    bomb = encode(Image.new("1", (20000, 20000)), "PNG")
    assert len(bomb) < 100_000

    # when
    tracemalloc.start()
    try:
        form = avatar_form(user, bomb, "kucing.png")
        is_valid = form.is_valid()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # then: refused on the header alone; decoding would have needed ~50 MB even at 1 bit a pixel
    assert not is_valid
    code, message = only_error(form, "avatar")
    assert code == "too_many_pixels"
    assert message == "The image has too many pixels (at most 40 million)."
    assert peak < 5 * 1024 * 1024
    user.refresh_from_db()
    assert not user.avatar
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_image_over_our_pixel_limit_but_under_pillows_guard_is_refused(user, settings):
    settings.IMAGE_MAX_PIXELS = 10_000

    form = avatar_form(user, encode(Image.new("RGB", (200, 200)), "PNG"), "besar.png")

    assert not form.is_valid()
    assert only_error(form, "avatar") == (
        "too_many_pixels",
        "The image has too many pixels (at most 0.01 million).",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["TIFF", "GIF", "BMP", "PDF"])
def test_other_image_formats_named_jpg_are_refused(user, settings, fmt):
    data = encode(Image.new("RGB", (64, 64), (10, 120, 200)), fmt)

    form = avatar_form(user, data, "photo.jpg")

    assert not form.is_valid()
    code, message = only_error(form, "avatar")
    assert code == "invalid_image"
    assert "JPEG, PNG or WebP" in message
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_text_file_named_png_is_refused(user, settings):
    form = avatar_form(user, b"<svg onload=alert(1)>hello</svg>\n" * 10, "photo.png")

    assert not form.is_valid()
    code, message = only_error(form, "avatar")
    assert code == "invalid_image"
    assert "JPEG, PNG or WebP" in message
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_truncated_jpeg_is_refused(user, settings):
    whole = encode(noisy(), "JPEG", quality=90)

    form = avatar_form(user, whole[: len(whole) // 2], "photo.jpg")

    assert not form.is_valid()
    assert only_error(form, "avatar") == ("invalid_image", "The image file is damaged or truncated.")
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_file_over_the_byte_limit_is_refused(user, settings):
    settings.IMAGE_MAX_BYTES = 1024
    data = encode(noisy(), "JPEG")
    assert len(data) > 1024

    form = avatar_form(user, data, "photo.jpg")

    with translation.override("en"):  # the limit is formatted in the visitor's language
        assert not form.is_valid()
    assert only_error(form, "avatar") == ("too_large", "The image is too large (at most 1.0\xa0KB).")
    assert stored_files(settings) == []


def test_validator_refuses_what_the_form_refuses():
    with pytest.raises(forms.ValidationError) as refused:
        validate_image_upload(SimpleUploadedFile("photo.jpg", encode(Image.new("RGB", (8, 8)), "GIF")))
    assert refused.value.code == "invalid_image"


# --- accepted and cleaned -----------------------------------------------------------------------


@pytest.fixture
def product(product_factory):
    return product_factory()


def save_product_image(product, data: bytes, name: str) -> ProductImage:
    form = ProductImageForm(
        data={"alt_text": "Tampak depan"},
        files={"image": SimpleUploadedFile(name, data)},
        instance=ProductImage(product=product),
    )
    assert form.is_valid(), form.errors
    return form.save()


def stored(image_field) -> tuple[Image.Image, bytes]:
    with default_storage.open(image_field.name, "rb") as file:
        data = file.read()
    return Image.open(io.BytesIO(data)), data


@pytest.mark.django_db
def test_jpeg_loses_exif_gps_comment_and_xmp_and_is_turned_upright(product):
    # given: a landscape photo (60 wide, 40 high), left half red, right half blue, which the camera
    # marks "rotate 90° clockwise to view" (orientation 6), with GPS, a comment and XMP
    photo = Image.new("RGB", (60, 40), (220, 0, 0))
    photo.paste((0, 0, 220), (30, 0, 60, 40))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "Rahasia Camera Co"  # Make
    exif[0x8825] = {1: "S", 2: (6.0, 10.0, 30.0), 3: "E", 4: (106.0, 49.0, 0.0)}  # GPS IFD
    data = encode(photo, "JPEG", quality=95, exif=exif, comment=SECRET, xmp=b"<x:xmpmeta>" + SECRET + b"</x>")
    assert SECRET in data

    # when
    saved = save_product_image(product, data, "IMG_2024_rumah_bu_rina.jpg")

    # then
    image, raw = stored(saved.image)
    assert SERVER_NAME.match(saved.image.name)
    assert "rumah" not in saved.image.name
    assert image.format == "JPEG"
    assert image.size == (40, 60)  # upright: portrait now
    red, _, blue = image.getpixel((20, 5))
    assert red > 150 > blue  # the left (red) side went to the top
    red, _, blue = image.getpixel((20, 55))
    assert blue > 150 > red
    assert dict(image.getexif()) == {}
    assert not {"exif", "comment", "xmp", "icc_profile"} & set(image.info)
    assert SECRET not in raw
    assert b"Rahasia" not in raw


@pytest.mark.django_db
def test_png_loses_text_chunks_and_icc_profile(product):
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", SECRET.decode())
    text.add_itxt("Comment", SECRET.decode())
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(Image.new("RGBA", (50, 30), (0, 128, 0, 128)), "PNG", pnginfo=text, icc_profile=icc)

    saved = save_product_image(product, data, "toko.png")

    image, raw = stored(saved.image)
    assert SERVER_NAME.match(saved.image.name)
    assert image.format == "PNG"
    assert image.size == (50, 30)
    assert image.mode == "RGBA"  # transparency kept
    assert image.text == {}
    assert "icc_profile" not in image.info
    assert SECRET not in raw


@pytest.mark.django_db
def test_valid_webp_is_accepted(product):
    saved = save_product_image(product, encode(noisy((120, 90)), "WEBP"), "produk.webp")

    image, _ = stored(saved.image)
    assert saved.image.name.endswith(".webp")
    assert image.format == "WEBP"
    assert image.size == (120, 90)


@pytest.mark.django_db
def test_multi_picture_jpeg_from_a_phone_camera_is_stored_as_jpeg(product):
    # Many phones write MPO (a JPEG plus extra frames); Pillow calls it "MPO", not "JPEG".
    main, preview = Image.new("RGB", (80, 60), (200, 150, 0)), Image.new("RGB", (40, 30))
    data = encode(main, "MPO", save_all=True, append_images=[preview])

    saved = save_product_image(product, data, "DSC_0001.jpg")

    image, _ = stored(saved.image)
    assert saved.image.name.endswith(".jpg")
    assert image.format == "JPEG"
    assert image.size == (80, 60)


@pytest.mark.django_db
@pytest.mark.parametrize(("size", "expected"), [((1600, 1200), (480, 360)), ((900, 1600), (270, 480))])
def test_thumbnails_are_webp_within_480(product, size, expected):
    saved = save_product_image(product, encode(noisy(size), "JPEG"), "besar.jpg")

    product_image_make_thumbnail(image=saved)

    saved.refresh_from_db()
    thumbnail, _ = stored(saved.thumbnail)
    assert saved.thumbnail.name.startswith("products/thumbs/")
    assert thumbnail.format == "WEBP"
    assert thumbnail.size == expected


def test_functions_alone_give_a_fresh_name_and_a_small_thumbnail():
    upload = SimpleUploadedFile("../../etc/passwd.png", encode(Image.new("RGB", (1000, 500)), "PNG"))

    clean = sanitize_image(upload)
    thumbnail = make_thumbnail(clean)

    assert re.fullmatch(r"[0-9a-f]{32}\.png", clean.name)
    assert re.fullmatch(r"[0-9a-f]{32}\.webp", thumbnail.name)
    assert Image.open(thumbnail).size == (480, 240)
