#!/usr/bin/python3
# Makes tests/data/upscale/: small RGB images and, for each, torchvision's ImageNet eval crop
# (Resize(ceil(r / 0.875)) then CenterCrop(r)) computed with Pillow itself, plus a few plain
# Pillow bilinear resizes (one pass skipped, one pass up and one down). test_images.cpp
# checks the project's decoder, resize_bilinear and eval_crop against them byte for byte.
#
# Run by hand, never by CI or the tests (they read the committed files):
#   apt-get install -y python3-pil      # Debian's Pillow (the fixture was made with 9.4.0)
#   /usr/bin/python3 scripts/make-upscale-fixture.py
# It needs only Pillow (not torchvision: the few lines of torchvision it stands for are
# written out below) and is deterministic: the same Pillow writes the same files.
import math
import os

from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "upscale")

# (width, height, r): eval crops. Shorter sides below r (the images the old check refused),
# odd tiny ones, and one just under the resize size ceil(r / 0.875) (32 -> 37).
EVAL_CASES = [
    (200, 150, 208),  # the example: resized to 317x238, x offset 54.5 -> 54
    (150, 116, 224),  # ImageNet validation holds 116 and 150 px sides
    (116, 150, 224),
    (7, 5, 32),
    (3, 1, 16),
    (48, 36, 32),  # shorter side 36, one under the resize size 37
]

# (width, height, new width, new height): plain Image.resize cases, for the passes that the
# eval transform never skips alone (RandomResizedCrop's resize to r x r reaches them).
RESIZE_CASES = [
    (9, 6, 9, 17),  # vertical pass only (up)
    (6, 9, 19, 9),  # horizontal pass only (up)
    (23, 5, 7, 13),  # horizontal down, vertical up
    (5, 23, 13, 7),  # horizontal up, vertical down
]


def pattern(width, height, seed):
    """Gradients plus a fixed pseudo-random pattern (a 31-bit LCG from `seed`)."""
    state = seed
    data = bytearray()
    for y in range(height):
        for x in range(width):
            state = (state * 1103515245 + 12345) & 0x7FFFFFFF
            noise = (state >> 16) & 0xFF
            gx = x * 255 // max(width - 1, 1)
            gy = y * 255 // max(height - 1, 1)
            # Red and green: gradients with a little noise (full-range noise everywhere would
            # make megabytes of PNG). Blue: full-range noise all over the tiny images and in
            # one 6x6 cell out of nine of the others, a third gradient elsewhere.
            wild = width * height <= 64 * 64 or (x // 6 % 3 == 1 and y // 6 % 3 == 1)
            data += bytes((
                gx * 63 // 64 + noise // 64,
                gy * 63 // 64 + (noise * 7 & 0xFF) // 64,
                noise if wild else 255 - gx // 2 - gy // 4,
            ))
    return Image.frombytes("RGB", (width, height), bytes(data))


def eval_crop(img, r):
    """torchvision's Resize(ceil(r / 0.875)) then CenterCrop(r) on a PIL image."""
    size = math.ceil(r / 0.875)
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    resized = img.resize((new_w, new_h), Image.BILINEAR)
    top = int(round((new_h - r) / 2.0))
    left = int(round((new_w - r) / 2.0))
    return resized.crop((left, top, left + r, top + r))


def save(img, name):
    img.save(os.path.join(OUT, name), format="PNG", optimize=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    for i, (w, h, r) in enumerate(EVAL_CASES):
        src = pattern(w, h, 1000 + i)
        save(src, f"src_{w}x{h}.png")
        crop = eval_crop(src, r)
        assert crop.size == (r, r)
        save(crop, f"crop_{w}x{h}_r{r}.png")
    for i, (w, h, nw, nh) in enumerate(RESIZE_CASES):
        src = pattern(w, h, 2000 + i)
        save(src, f"src_{w}x{h}.png")
        save(src.resize((nw, nh), Image.BILINEAR), f"resize_{w}x{h}_to_{nw}x{nh}.png")
    import PIL
    print(f"wrote {OUT} with Pillow {PIL.__version__}")


if __name__ == "__main__":
    main()
