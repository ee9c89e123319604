"""TaskFlow's app icons: a white check mark on the accent blue (tokens.css --accent)."""
# Run from the repository root: .venv/bin/python frontend/scripts/make_icons.py (Pillow is a TaskFlow dependency).
from PIL import Image, ImageDraw

ACCENT = (0x2F, 0x5F, 0xD0, 255)
WHITE = (255, 255, 255, 255)
OUT = "frontend/public/"

def icon(size: int, *, maskable: bool) -> Image.Image:
    scale = 4  # draw large, then downsample: smooth edges
    s = size * scale
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable:
        d.rectangle((0, 0, s, s), fill=ACCENT)  # full bleed; the mark stays in the 80% safe zone
        inset = 0.2
    else:
        d.rounded_rectangle((0, 0, s - 1, s - 1), radius=int(s * 0.22), fill=ACCENT)
        inset = 0.0
    def p(x: float, y: float) -> tuple[float, float]:
        # the mark's coordinates on a 0..1 square, shrunk into the safe zone for maskable
        k = 1 - 2 * inset * 0.6
        o = (1 - k) / 2
        return ((o + x * k) * s, (o + y * k) * s)
    d.line([p(0.27, 0.53), p(0.44, 0.69), p(0.75, 0.34)], fill=WHITE, width=int(s * 0.1 * (1 - 0.6 * inset)), joint="curve")
    for (x, y) in [(0.27, 0.53), (0.75, 0.34)]:
        cx, cy = p(x, y); r = s * 0.05 * (1 - 0.6 * inset)
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=WHITE)
    return img.resize((size, size), Image.Resampling.LANCZOS)

icon(192, maskable=False).save(OUT + "pwa-192x192.png", optimize=True)
icon(512, maskable=False).save(OUT + "pwa-512x512.png", optimize=True)
icon(512, maskable=True).save(OUT + "maskable-512x512.png", optimize=True)
icon(180, maskable=True).convert("RGB").save(OUT + "apple-touch-icon.png", optimize=True)
icon(64, maskable=False).save(OUT + "favicon.png", optimize=True)
