"""Draw api/static/favicon.ico: the widget's speech bubble, white on the brand red, at 16, 32
and 48 px (needs Pillow: `pip install pillow`)."""
from pathlib import Path

from PIL import Image, ImageDraw

RED, WHITE = (200, 16, 46, 255), (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "api" / "static" / "favicon.ico"


def draw(size: int = 256) -> Image.Image:
    """The icon at ``size`` px: a red disc, a white bubble (the launcher's glyph) with a tail."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.ellipse((0, 0, size - 1, size - 1), fill=RED)
    u = size / 24  # the launcher's SVG is drawn on a 24-unit grid
    pen.rounded_rectangle((5 * u, 6 * u, 19 * u, 15.5 * u), radius=2 * u, fill=WHITE)
    pen.polygon([(7 * u, 15 * u), (7 * u, 19 * u), (11 * u, 15 * u)], fill=WHITE)
    return image


if __name__ == "__main__":
    draw().save(OUT, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
