"""Draw the app icon and write every format the installers need, from one geometry.

A clothes hanger with a small sparkle on a rounded plum square: readable at 16 px (the hanger's
triangle is a thick stroke), distinct in a dock or a task bar. Pillow cannot render SVG, so the
shape is described once here and drawn twice: as SVG text (for the Linux desktop entry and the
window icon at any size) and with Pillow at 4x and downsampled (for PNG, ICO and ICNS).

    python packaging/icons/make_icons.py     # rewrites packaging/icons/* and resources/icons/*

Outputs are committed, so a build needs no Pillow run; rerun this after changing the drawing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
RESOURCES = HERE.parents[1] / "resources" / "icons"
NAME = "fashion-assistant"
SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]

# Geometry on a 1024 canvas.
CANVAS = 1024
MARGIN = 64  # macOS and Windows icons keep transparent padding around the tile
RADIUS = 200
TOP, BOTTOM = "#6a2c70", "#b83b5e"  # plum to raspberry
INK = "#ffffff"
ACCENT = "#f9ed69"
STROKE = 56
HOOK_CENTER, HOOK_R = (512, 320), 78
NECK = (512, 450)
LEFT, RIGHT = (212, 700), (812, 700)
SPARKLE = (760, 250, 70)  # centre x, y and half-length of the four-pointed star


def svg() -> str:
    cx, cy = HOOK_CENTER
    sx, sy, sr = SPARKLE
    star = _star_points(sx, sy, sr)
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{CANVAS}" height="{CANVAS}" viewBox="0 0 {CANVAS} {CANVAS}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="{TOP}"/>
      <stop offset="1" stop-color="{BOTTOM}"/>
    </linearGradient>
  </defs>
  <rect x="{MARGIN}" y="{MARGIN}" width="{CANVAS - 2 * MARGIN}" height="{CANVAS - 2 * MARGIN}" rx="{RADIUS}" fill="url(#bg)"/>
  <g fill="none" stroke="{INK}" stroke-width="{STROKE}" stroke-linecap="round" stroke-linejoin="round">
    <path d="M {cx - HOOK_R} {cy} A {HOOK_R} {HOOK_R} 0 1 1 {cx} {cy + HOOK_R} L {NECK[0]} {NECK[1]}"/>
    <path d="M {NECK[0]} {NECK[1]} L {LEFT[0]} {LEFT[1]} L {RIGHT[0]} {RIGHT[1]} Z"/>
  </g>
  <polygon points="{' '.join(f'{x:.0f},{y:.0f}' for x, y in star)}" fill="{ACCENT}"/>
</svg>
"""


def _star_points(x: float, y: float, r: float) -> list[tuple[float, float]]:
    inner = r * 0.28
    return [(x, y - r), (x + inner, y - inner), (x + r, y), (x + inner, y + inner),
            (x, y + r), (x - inner, y + inner), (x - r, y), (x - inner, y - inner)]


def render(size: int) -> Image.Image:
    scale = 4 * size / CANVAS  # draw at 4x, then downsample: Pillow's lines have no antialiasing
    big = 4 * size

    def s(v: float) -> float:
        return v * scale

    tile = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    gradient = Image.new("RGBA", (big, big))
    top, bottom = _rgb(TOP), _rgb(BOTTOM)
    draw_g = ImageDraw.Draw(gradient)
    for row in range(big):
        t = row / max(big - 1, 1)
        draw_g.line([(0, row), (big, row)], fill=(*(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)), 255))
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).rounded_rectangle([s(MARGIN), s(MARGIN), s(CANVAS - MARGIN), s(CANVAS - MARGIN)], radius=s(RADIUS), fill=255)
    tile.paste(gradient, (0, 0), mask)

    draw = ImageDraw.Draw(tile)
    width = max(1, round(s(STROKE)))
    cx, cy = HOOK_CENTER
    # The hook: three quarters of a circle from its left, round to the bottom, then down to the neck.
    # Pillow strokes an arc inside its box; grow the box by half a stroke so it is centred like the SVG's.
    half = width / 2
    box = [s(cx - HOOK_R) - half, s(cy - HOOK_R) - half, s(cx + HOOK_R) + half, s(cy + HOOK_R) + half]
    draw.arc(box, start=180, end=90, fill=INK, width=width)
    triangle = [LEFT, RIGHT, NECK, LEFT]
    draw.line([(s(cx), s(cy + HOOK_R)), (s(NECK[0]), s(NECK[1]))], fill=INK, width=width)
    draw.line([(s(x), s(y)) for x, y in triangle], fill=INK, width=width, joint="curve")
    for x, y in [(cx - HOOK_R, cy), (cx, cy + HOOK_R), *triangle[:3]]:  # round caps
        draw.ellipse([s(x) - width / 2, s(y) - width / 2, s(x) + width / 2, s(y) + width / 2], fill=INK)
    sx, sy, sr = SPARKLE
    draw.polygon([(s(x), s(y)) for x, y in _star_points(sx, sy, sr)], fill=ACCENT)
    return tile.resize((size, size), Image.Resampling.LANCZOS)


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def main() -> None:
    (HERE / f"{NAME}.svg").write_text(svg(), encoding="utf-8")
    images = {size: render(size) for size in SIZES}
    for size, image in images.items():
        image.save(HERE / f"{NAME}-{size}.png", optimize=True)
    # Windows: one .ico with the sizes Explorer and the task bar ask for.
    images[256].save(HERE / f"{NAME}.ico", sizes=[(n, n) for n in (16, 24, 32, 48, 64, 128, 256)])
    # macOS: Pillow's ICNS writer takes the largest image and derives the 16..512@2x members.
    images[1024].save(HERE / f"{NAME}.icns", append_images=[images[n] for n in (16, 32, 64, 128, 256, 512)])
    RESOURCES.mkdir(parents=True, exist_ok=True)
    shutil.copy2(HERE / f"{NAME}.svg", RESOURCES / f"{NAME}.svg")
    shutil.copy2(HERE / f"{NAME}-256.png", RESOURCES / f"{NAME}.png")
    print(f"wrote {len(SIZES)} PNG sizes, SVG, ICO and ICNS to {HERE}; window icon to {RESOURCES}")


if __name__ == "__main__":
    main()
