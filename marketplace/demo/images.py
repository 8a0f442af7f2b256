"""Product photos, logos and banners for the demo seed, drawn with Pillow (nothing downloaded).

A photo is a category gradient, a soft spotlight, a silhouette of the product (shirt, bottle,
pouch, earbuds...) in the variant's colour and fabric pattern, and the title on a card. Shapes are
polygons in a unit square (-1..1) so each is a few lines; gradients are rendered once per
category and reused, which keeps 500+ photos within seconds.
"""

import io
import random
import textwrap
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from marketplace.demo.data import CATEGORY_PALETTES, COLORS

SIZE = 800
SCALE = 230  # pixels per unit of shape space
CENTER = (SIZE // 2, SIZE // 2 - 50)
INK = (40, 36, 34)


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


@cache
def gradient(top: tuple, bottom: tuple, width: int = SIZE, height: int = SIZE) -> Image.Image:
    mask = Image.linear_gradient("L").resize((width, height))
    return Image.composite(
        Image.new("RGB", (width, height), bottom), Image.new("RGB", (width, height), top), mask
    )


def shade(color: tuple, factor: float) -> tuple:
    """Darker below 1, lighter above 1 (towards white)."""
    if factor <= 1:
        return tuple(int(c * factor) for c in color)
    return tuple(int(c + (255 - c) * (factor - 1)) for c in color)


def jpeg(image: Image.Image, quality: int = 82) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


# --- Shapes ----------------------------------------------------------------------------------


class Pen:
    """Draws in shape units around a centre; body() fills a silhouette with colour and pattern."""

    def __init__(self, canvas: Image.Image, color: tuple, pattern: str | None, center=CENTER, scale=SCALE):
        self.canvas, self.draw = canvas, ImageDraw.Draw(canvas)
        self.color, self.pattern = color, pattern
        self.dark, self.light = shade(color, 0.7), shade(color, 1.35)
        self.cx, self.cy, self.s = center[0], center[1], scale

    def xy(self, x: float, y: float) -> tuple[int, int]:
        return round(self.cx + x * self.s), round(self.cy + y * self.s)

    def box(self, x0, y0, x1, y1) -> list[tuple[int, int]]:
        return [self.xy(x0, y0), self.xy(x1, y1)]

    def body(self, points) -> None:
        pixels = [self.xy(x, y) for x, y in points]
        if self.pattern:
            mask = Image.new("L", self.canvas.size, 0)
            ImageDraw.Draw(mask).polygon(pixels, fill=255)
            self.canvas.paste(fabric(self.color, self.pattern, self.canvas.size), (0, 0), mask)
        else:
            self.draw.polygon(pixels, fill=self.color)
        self.draw.polygon(pixels, outline=self.dark, width=4)

    def poly(self, points, fill=None, outline=None, width=3) -> None:
        self.draw.polygon([self.xy(x, y) for x, y in points], fill=fill, outline=outline, width=width)

    def rect(self, x0, y0, x1, y1, fill=None, radius=0.0, outline=None, width=3) -> None:
        self.draw.rounded_rectangle(
            self.box(x0, y0, x1, y1), radius=round(radius * self.s), fill=fill, outline=outline, width=width
        )

    def ellipse(self, x0, y0, x1, y1, fill=None, outline=None, width=3) -> None:
        self.draw.ellipse(self.box(x0, y0, x1, y1), fill=fill, outline=outline, width=width)

    def line(self, points, fill, width=4) -> None:
        self.draw.line([self.xy(x, y) for x, y in points], fill=fill, width=width)

    def label(self, x0, y0, x1, y1, text: str) -> None:
        """A white product label with the brand on it, as on bottles, jars and pouches."""
        self.rect(x0, y0, x1, y1, fill=(250, 250, 246), radius=0.04)
        width, height = (x1 - x0) * self.s * 0.85, (y1 - y0) * self.s
        lines = textwrap.wrap(text, 10, break_long_words=False)[:2]
        if not lines:
            return
        # As large as fits: the longest line across the label, the lines within its height.
        size = round(min(height * 0.3, width / max(font(100).getlength(line) / 100 for line in lines)))
        cx, cy = self.xy((x0 + x1) / 2, (y0 + y1) / 2)
        self.draw.multiline_text(
            (cx, cy), "\n".join(lines), font=font(max(size, 12)), fill=INK, anchor="mm", align="center"
        )


@cache
def fabric(color: tuple, pattern: str, size: tuple[int, int]) -> Image.Image:
    """A full-canvas swatch of `pattern` in `color` (cached: the same few are used many times)."""
    swatch = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(swatch)
    width, height = size
    dark, light = shade(color, 0.72), shade(color, 1.45)
    if pattern == "plaid":
        for x in range(0, width, 70):
            draw.line([(x, 0), (x, height)], fill=dark, width=16)
            draw.line([(x + 30, 0), (x + 30, height)], fill=light, width=3)
        for y in range(0, height, 70):
            draw.line([(0, y), (width, y)], fill=dark, width=16)
            draw.line([(0, y + 30), (width, y + 30)], fill=light, width=3)
    elif pattern == "stripe":
        for y in range(0, height, 36):
            draw.line([(0, y), (width, y)], fill=light, width=10)
    elif pattern == "denim":
        for x in range(-height, width, 7):
            draw.line([(x, 0), (x + height, height)], fill=shade(color, 0.88), width=2)
    elif pattern == "batik":
        gold = (222, 184, 120)
        for x in range(-height, width, 64):  # parang-like diagonal bands
            draw.line([(x, 0), (x + height, height)], fill=gold, width=9)
            draw.line([(x + 20, 0), (x + 20 + height, height)], fill=dark, width=4)
        for x in range(16, width, 64):
            for y in range(16, height, 64):
                draw.ellipse([x - 7, y - 7, x + 7, y + 7], outline=gold, width=3)
    elif pattern == "floral":
        petal = shade(color, 1.6)
        rng = random.Random(hash(color))  # noqa: S311 - decoration; same flowers for the same colour
        for _ in range(width * height // 3000):
            x, y = rng.randrange(width), rng.randrange(height)
            for dx, dy in ((-9, 0), (9, 0), (0, -9), (0, 9)):
                draw.ellipse([x + dx - 7, y + dy - 7, x + dx + 7, y + dy + 7], fill=petal)
            draw.ellipse([x - 5, y - 5, x + 5, y + 5], fill=(230, 190, 60))
    return swatch


def _garment_top(p: Pen, long_sleeve: bool, collar: bool = False, zipper: bool = False) -> None:
    if long_sleeve:
        right = [(0.62, -0.72), (0.95, 0.55), (0.72, 0.62), (0.58, -0.2), (0.58, 0.9)]
    else:
        right = [(0.62, -0.72), (1.0, -0.30), (0.78, -0.10), (0.58, -0.32), (0.58, 0.9)]
    left = [(-x, y) for x, y in reversed(right)]
    p.body([(0.22, -0.85), *right, *left, (-0.22, -0.85), (0.0, -0.70)])
    if collar:
        p.poly([(-0.24, -0.86), (0.0, -0.62), (-0.08, -0.50), (-0.32, -0.74)], fill=p.light, outline=p.dark)
        p.poly([(0.24, -0.86), (0.0, -0.62), (0.08, -0.50), (0.32, -0.74)], fill=p.light, outline=p.dark)
        for i in range(6):
            p.ellipse(-0.03, -0.45 + i * 0.24, 0.03, -0.39 + i * 0.24, fill=p.light, outline=p.dark, width=2)
    if zipper:
        p.line([(0.0, -0.70), (0.0, 0.9)], fill=(200, 200, 205), width=6)
        p.rect(-0.45, 0.35, -0.18, 0.6, outline=p.dark)
        p.rect(0.18, 0.35, 0.45, 0.6, outline=p.dark)


def shirt(p: Pen, long_sleeve: bool = True, **_) -> None:
    _garment_top(p, long_sleeve, collar=True)


def tee(p: Pen, long_sleeve: bool = False, **_) -> None:
    _garment_top(p, long_sleeve)


def sweater(p: Pen, long_sleeve: bool = True, **_) -> None:
    _garment_top(p, True)
    p.line([(-0.58, 0.78), (0.58, 0.78)], fill=p.dark, width=8)


def jacket(p: Pen, long_sleeve: bool = True, **_) -> None:
    _garment_top(p, True, zipper=True)


def blouse(p: Pen, long_sleeve: bool = True, **_) -> None:
    _garment_top(p, long_sleeve)
    p.ellipse(-0.12, -0.80, 0.12, -0.60, outline=p.dark, width=4)


def dress(p: Pen, **_) -> None:
    p.body(
        [(-0.22, -0.9), (-0.45, -0.85), (-0.42, -0.3), (-0.35, -0.1), (-0.8, 0.92),
         (0.8, 0.92), (0.35, -0.1), (0.42, -0.3), (0.45, -0.85), (0.22, -0.9), (0.0, -0.72)]
    )  # fmt: skip
    p.line([(-0.36, -0.1), (0.36, -0.1)], fill=p.dark, width=8)


def skirt(p: Pen, **_) -> None:
    p.body([(-0.38, -0.6), (0.38, -0.6), (0.75, 0.8), (-0.75, 0.8)])
    for i in range(1, 8):
        x = -0.38 + i * 0.095
        p.line([(x, -0.5), (x * 1.97, 0.8)], fill=p.dark, width=3)
    p.rect(-0.39, -0.68, 0.39, -0.56, fill=p.dark)


def pants(p: Pen, **_) -> None:
    p.body(
        [
            (-0.45, -0.85),
            (0.45, -0.85),
            (0.55, 0.92),
            (0.12, 0.92),
            (0.0, -0.25),
            (-0.12, 0.92),
            (-0.55, 0.92),
        ]
    )
    p.line([(-0.45, -0.72), (0.45, -0.72)], fill=p.dark, width=6)
    p.line([(0.0, -0.72), (0.0, -0.35)], fill=p.dark, width=3)


def cloth(p: Pen, **_) -> None:
    for offset in (0.16, 0.08):  # folded stack
        p.rect(-0.8 + offset, -0.55 - offset, 0.8 + offset, 0.55 - offset, fill=p.dark)
    p.body([(-0.8, -0.55), (0.8, -0.55), (0.8, 0.55), (-0.8, 0.55)])


def dropper(p: Pen, brand: str = "", **_) -> None:
    p.ellipse(-0.16, -0.95, 0.16, -0.5, fill=(40, 40, 44))
    p.rect(-0.2, -0.55, 0.2, -0.3, fill=(200, 170, 110), radius=0.03)
    p.rect(-0.38, -0.32, 0.38, 0.9, fill=p.color, radius=0.12, outline=p.dark)
    p.label(-0.3, 0.05, 0.3, 0.6, brand)


def tube(p: Pen, brand: str = "", **_) -> None:
    p.poly([(-0.36, -0.85), (0.36, -0.85), (0.26, 0.6), (-0.26, 0.6)], fill=p.color, outline=p.dark)
    p.rect(-0.38, -0.92, 0.38, -0.82, fill=p.dark)
    p.rect(-0.2, 0.58, 0.2, 0.92, fill=(245, 245, 245), radius=0.04, outline=p.dark)
    p.label(-0.27, -0.55, 0.27, 0.15, brand)


def bottle(p: Pen, brand: str = "", **_) -> None:
    p.rect(-0.2, -0.85, 0.2, -0.5, fill=p.dark, radius=0.04)
    p.rect(-0.4, -0.52, 0.4, 0.9, fill=p.color, radius=0.14, outline=p.dark)
    p.label(-0.32, -0.1, 0.32, 0.5, brand)


def pump(p: Pen, brand: str = "", **_) -> None:
    p.rect(-0.07, -0.9, 0.07, -0.55, fill=(230, 230, 230))
    p.rect(-0.1, -0.98, 0.38, -0.88, fill=(230, 230, 230), radius=0.03)
    bottle(p, brand=brand)


def jar(p: Pen, brand: str = "", **_) -> None:
    p.rect(-0.62, -0.25, 0.62, 0.75, fill=p.color, radius=0.12, outline=p.dark)
    p.rect(-0.68, -0.55, 0.68, -0.22, fill=p.dark, radius=0.06)
    p.label(-0.48, -0.05, 0.48, 0.5, brand)


def pouch(p: Pen, brand: str = "", **_) -> None:
    p.poly([(-0.6, -0.85), (0.6, -0.85), (0.68, 0.9), (-0.68, 0.9)], fill=p.color, outline=p.dark)
    p.line([(-0.58, -0.7), (0.58, -0.7)], fill=p.dark, width=5)
    p.ellipse(-0.3, 0.3, 0.3, 0.75, fill=(228, 196, 120), outline=p.dark)
    p.label(-0.48, -0.55, 0.48, 0.15, brand)


def box(p: Pen, brand: str = "", **_) -> None:
    p.poly([(-0.65, -0.5), (0.35, -0.5), (0.6, -0.78), (-0.4, -0.78)], fill=p.light, outline=p.dark)
    p.poly([(0.35, -0.5), (0.6, -0.78), (0.6, 0.55), (0.35, 0.85)], fill=p.dark, outline=p.dark)
    p.rect(-0.65, -0.5, 0.35, 0.85, fill=p.color, outline=p.dark)
    p.label(-0.55, -0.3, 0.25, 0.3, brand)


def cable(p: Pen, **_) -> None:
    p.draw.arc(p.box(-0.7, -0.7, 0.7, 0.7), 200, 520, fill=p.color, width=22)
    p.rect(-0.86, -0.05, -0.56, 0.12, fill=(190, 190, 196), radius=0.03)
    p.rect(0.56, -0.05, 0.86, 0.12, fill=(190, 190, 196), radius=0.03)


def charger(p: Pen, **_) -> None:
    p.rect(-0.16, -0.75, -0.08, -0.35, fill=(190, 190, 196))
    p.rect(0.08, -0.75, 0.16, -0.35, fill=(190, 190, 196))
    p.rect(-0.45, -0.4, 0.45, 0.8, fill=p.color, radius=0.14, outline=p.dark)
    for y in (0.25, 0.5):
        p.rect(-0.15, y, 0.15, y + 0.08, fill=(30, 30, 30), radius=0.03)


def powerbank(p: Pen, **_) -> None:
    p.rect(-0.42, -0.88, 0.42, 0.88, fill=p.color, radius=0.16, outline=p.dark)
    for i in range(4):
        p.ellipse(-0.2 + i * 0.12, 0.6, -0.14 + i * 0.12, 0.66, fill=(90, 220, 255))


def earbuds(p: Pen, **_) -> None:
    p.rect(-0.62, -0.05, 0.62, 0.75, fill=p.color, radius=0.3, outline=p.dark)
    p.line([(-0.6, 0.2), (0.6, 0.2)], fill=p.dark, width=4)
    for x in (-0.35, 0.35):
        p.ellipse(x - 0.18, -0.65, x + 0.18, -0.3, fill=p.color, outline=p.dark)
        p.rect(x - 0.05, -0.4, x + 0.05, -0.05, fill=p.color, outline=p.dark)


def headphone(p: Pen, **_) -> None:
    p.draw.arc(p.box(-0.72, -0.95, 0.72, 0.5), 180, 360, fill=p.dark, width=34)
    for x in (-0.72, 0.72):
        p.rect(x - 0.2, -0.25, x + 0.2, 0.55, fill=p.color, radius=0.16, outline=p.dark)


def speaker(p: Pen, **_) -> None:
    p.rect(-0.8, -0.4, 0.8, 0.5, fill=p.color, radius=0.4, outline=p.dark)
    for i in range(9):
        for j in range(3):
            x, y = -0.45 + i * 0.11, -0.15 + j * 0.15
            p.ellipse(x - 0.025, y - 0.025, x + 0.025, y + 0.025, fill=p.dark)


def phone(p: Pen, **_) -> None:
    p.rect(-0.45, -0.92, 0.45, 0.92, fill=p.color, radius=0.14, outline=p.dark)
    p.rect(-0.38, -0.82, 0.38, 0.82, fill=(28, 32, 44), radius=0.1)
    p.rect(-0.35, -0.78, -0.05, -0.45, fill=(60, 64, 78), radius=0.08)


def mouse(p: Pen, **_) -> None:
    p.ellipse(-0.42, -0.8, 0.42, 0.85, fill=p.color, outline=p.dark)
    p.line([(0.0, -0.8), (0.0, -0.15)], fill=p.dark, width=4)
    p.rect(-0.05, -0.6, 0.05, -0.4, fill=p.dark, radius=0.04)


SHAPES = {
    "shirt": shirt, "tee": tee, "sweater": sweater, "jacket": jacket, "blouse": blouse, "dress": dress,
    "skirt": skirt, "pants": pants, "cloth": cloth, "dropper": dropper, "tube": tube, "bottle": bottle,
    "pump": pump, "jar": jar, "pouch": pouch, "box": box, "cable": cable, "charger": charger,
    "powerbank": powerbank, "earbuds": earbuds, "headphone": headphone, "speaker": speaker,
    "phone": phone, "mouse": mouse,
}  # fmt: skip


# --- Pictures --------------------------------------------------------------------------------


def _card(canvas: Image.Image, lines: list[str], size: int = 34, top: int = 600) -> None:
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle([40, top, SIZE - 40, SIZE - 40], radius=28, fill=(255, 255, 255))
    draw.multiline_text((70, top + 28), "\n".join(lines), font=font(size), fill=INK, spacing=10)


def _pill(canvas: Image.Image, text: str, color: tuple) -> None:
    draw = ImageDraw.Draw(canvas)
    width = draw.textlength(text, font=font(24))
    draw.rounded_rectangle([36, 32, 36 + width + 36, 80], radius=24, fill=color)
    draw.text((54, 56), text, font=font(24), fill=(255, 255, 255), anchor="lm")


def product_photo(
    *, title: str, shop_name: str, shop_color: tuple, palette: str, shape: str, color: str,
    pattern: str | None, brand: str = "", caption: str = "", long_sleeve: bool = True,
) -> bytes:  # fmt: skip
    """The main photo (and, with a `caption`, the detail shots) of a product, as JPEG bytes."""
    top, bottom = CATEGORY_PALETTES[palette]
    canvas = gradient(top, bottom).copy()
    draw = ImageDraw.Draw(canvas)
    draw.ellipse([150, 60, 650, 560], fill=shade(top, 1.5))
    SHAPES[shape](Pen(canvas, COLORS[color], pattern), brand=brand, long_sleeve=long_sleeve)
    _pill(canvas, shop_name, shop_color)
    lines = textwrap.wrap(title, 34)[:2]
    if caption:
        lines = [*lines[:1], caption]
    _card(canvas, lines)
    return jpeg(canvas)


def info_photo(*, title: str, shop_name: str, shop_color: tuple, palette: str, lines: list[str]) -> bytes:
    """A text card (sizes, measurements, what is in the box), as sellers post after the photos."""
    top, _ = CATEGORY_PALETTES[palette]
    canvas = Image.new("RGB", (SIZE, SIZE), shade(top, 1.4))
    _pill(canvas, shop_name, shop_color)
    draw = ImageDraw.Draw(canvas)
    draw.multiline_text(
        (60, 130), "\n".join(textwrap.wrap(title, 30)[:3]), font=font(40), fill=INK, spacing=12
    )
    _card(canvas, [f"- {line}" for line in lines[:8]], size=32, top=330)  # no bullet glyph in the font
    return jpeg(canvas)


def defect_photo(*, description: str, kind: str, color: str, pattern: str | None, seed: int) -> bytes:
    """A close-up of a disclosed flaw, circled in red, as honest thrift sellers photograph them."""
    rng = random.Random(seed)  # noqa: S311 - decoration, not security
    base = COLORS[color]
    canvas = fabric(base, pattern, (SIZE, SIZE)).copy() if pattern else Image.new("RGB", (SIZE, SIZE), base)
    draw = ImageDraw.Draw(canvas)
    for _ in range(120):  # weave texture, so it reads as cloth up close
        x, y = rng.randrange(SIZE), rng.randrange(SIZE)
        draw.line([(x, y), (x + 40, y + 3)], fill=shade(base, rng.choice((0.85, 1.15))), width=2)
    x, y = rng.randrange(260, 540), rng.randrange(200, 420)
    if kind == "stain":
        draw.ellipse([x - 38, y - 26, x + 42, y + 30], fill=(176, 150, 70))
    elif kind == "hole":
        draw.ellipse([x - 9, y - 9, x + 9, y + 9], fill=(20, 20, 20))
    elif kind == "button":
        draw.ellipse([x - 22, y - 22, x + 22, y + 22], fill=(236, 230, 214), outline=(120, 110, 90), width=3)
    elif kind == "seam":
        for i in range(7):
            draw.line(
                [(x - 80 + i * 24, y), (x - 68 + i * 24, y + rng.randint(-8, 8))],
                fill=(250, 250, 250),
                width=3,
            )
    else:  # fade
        draw.ellipse([x - 120, y - 80, x + 120, y + 80], fill=shade(base, 1.4))
    draw.ellipse([x - 95, y - 95, x + 95, y + 95], outline=(230, 30, 30), width=9)
    _card(canvas, textwrap.wrap(f"Cacat: {description}", 36)[:2], size=32, top=620)
    return jpeg(canvas)


def shop_logo(*, name: str, color: tuple) -> bytes:
    canvas = Image.new("RGB", (400, 400), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse([10, 10, 390, 390], fill=color)
    draw.ellipse([30, 30, 370, 370], outline=shade(color, 1.5), width=6)
    initials = "".join(word[0] for word in name.split()[:2]).upper()
    draw.text((200, 200), initials, font=font(150), fill=(255, 255, 255), anchor="mm")
    return jpeg(canvas, quality=90)


def shop_banner(*, name: str, tagline: str, color: tuple, shapes: list[tuple[str, str, str | None]]) -> bytes:
    width, height = 1500, 500
    canvas = gradient(shade(color, 1.2), shade(color, 0.75), width, height).copy()
    for i, (shape, color_name, pattern) in enumerate(shapes[:3]):
        pen = Pen(canvas, COLORS[color_name], pattern, center=(1010 + i * 170, 260), scale=95)
        SHAPES[shape](pen, brand="")
    draw = ImageDraw.Draw(canvas)
    draw.text((70, 190), name, font=font(78), fill=(255, 255, 255), anchor="lm")
    draw.text((74, 280), tagline, font=font(38), fill=shade(color, 1.8), anchor="lm")
    return jpeg(canvas)
