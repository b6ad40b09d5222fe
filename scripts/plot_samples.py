"""Renders 2-D histograms of sample files side by side as a PNG (PIL only, no matplotlib).

Usage: /usr/bin/python3 scripts/plot_samples.py OUT.png "title A" a.npy "title B" b.npy \
           [--coords 1,0] [--range xmin,xmax,ymin,ymax]
"""
import argparse

import numpy as np
from PIL import Image, ImageDraw


def panel(x, coords, rng, size):
    h, _, _ = np.histogram2d(x[:, coords[1]], x[:, coords[0]], bins=size, range=[rng[2:], rng[:2]])
    h = np.log1p(h[::-1])  # y up
    h = (255 * (1 - h / max(h.max(), 1e-12))).astype(np.uint8)
    return Image.fromarray(h, "L").convert("RGB")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("pairs", nargs="+")
    p.add_argument("--coords", default="0,1")
    p.add_argument("--range", default="-10,10,-10,10")
    p.add_argument("--size", type=int, default=260)
    a = p.parse_args()
    coords = [int(c) for c in a.coords.split(",")]
    rng = [float(v) for v in a.range.split(",")]
    titles, files = a.pairs[0::2], a.pairs[1::2]
    pad = 24
    img = Image.new("RGB", (len(files) * (a.size + pad) + pad, a.size + 2 * pad), "white")
    d = ImageDraw.Draw(img)
    for i, (t, f) in enumerate(zip(titles, files)):
        x0 = pad + i * (a.size + pad)
        img.paste(panel(np.load(f), coords, rng, a.size), (x0, pad + 4))
        d.text((x0, 6), t, fill="black")
    img.save(a.out, optimize=True)


if __name__ == "__main__":
    main()
