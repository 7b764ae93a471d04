"""Artwork files for the tests, made with Pillow in memory (no image is committed)."""

from __future__ import annotations

import io

from PIL import Image


def image_bytes(width: int, height: int, *, mode: str = "RGB", kind: str = "PNG") -> bytes:
    """An image file of ``width`` x ``height`` pixels, one colour, in ``mode`` (``RGB``,
    ``CMYK``, ``RGBA``, ``L``...) and format ``kind`` (``PNG``, ``JPEG``, ``GIF``...)."""
    colours: dict[str, float | tuple[float, ...]] = {
        "CMYK": (0, 128, 128, 0),
        "L": 128,
        "1": 1,
        "P": 3,
        "RGBA": (0, 64, 128, 128),
    }
    image = Image.new(mode, (width, height), colours.get(mode, (0, 64, 128)))
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()
