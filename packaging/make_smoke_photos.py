"""Make a few product-like photos for the smoke test where the shared photo set is not checked out.

The CI runners of the installers workflow get only the repository, not `../shared/data`. The smoke
test needs a handful of JPEGs in category folders (the folder name is the category); plain shapes
in distinct colours are enough, since the tiny BLIP-2 it uses tells any two different photos apart.

    python packaging/make_smoke_photos.py OUT_DIR      # then FA_SMOKE_PHOTOS=OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

CATEGORIES = {
    "shirt": [(200, 30, 40), (240, 240, 240)],
    "pants": [(20, 30, 80), (30, 30, 30)],
    "shoes": [(120, 70, 30), (250, 250, 250)],
    "t-shirt": [(30, 140, 60), (240, 200, 40)],
}


def main(out: Path) -> int:
    for category, colours in CATEGORIES.items():
        (out / category).mkdir(parents=True, exist_ok=True)
        for n, colour in enumerate(colours):
            image = Image.new("RGB", (320, 400), (235, 232, 228))
            draw = ImageDraw.Draw(image)
            if category in ("shirt", "t-shirt"):
                draw.polygon([(80, 80), (240, 80), (290, 150), (250, 170), (250, 360), (70, 360), (70, 170), (30, 150)], fill=colour)
            elif category == "pants":
                draw.polygon([(90, 60), (230, 60), (260, 370), (180, 370), (160, 160), (140, 370), (60, 370)], fill=colour)
            else:
                draw.polygon([(40, 300), (150, 250), (200, 260), (290, 320), (290, 350), (40, 350)], fill=colour)
            draw.text((10, 10), f"{category} {n}", fill=(90, 90, 90))
            image.save(out / category / f"{category}-{n}.jpg", quality=90)
    print(out)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(main(Path(sys.argv[1])))
