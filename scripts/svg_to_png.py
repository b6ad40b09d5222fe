#!/usr/bin/env python3
"""Rasterises a report.svg of `dmt train` (circles, paths, rectangles, text only) to PNG with PIL, for
the README. Usage: /usr/bin/python3 scripts/svg_to_png.py runs/gmm25/report.svg docs/gmm25_report.png"""
import re, sys, xml.etree.ElementTree as E
from PIL import Image, ImageDraw
r = E.parse(sys.argv[1]).getroot(); ns = '{http://www.w3.org/2000/svg}'
W, H = int(r.get('width')), int(r.get('height'))
im = Image.new('RGB', (W, H), 'white'); d = ImageDraw.Draw(im)
def col(c, default='black'):
    return c if c and c != 'none' else None
for el in r.iter():
    tag = el.tag.replace(ns, '')
    if tag == 'circle':
        x, y, rr = float(el.get('cx')), float(el.get('cy')), float(el.get('r'))
        d.ellipse([x-rr, y-rr, x+rr, y+rr], fill=el.get('fill'))
    elif tag == 'path':
        pts = re.findall(r'([ML])([-\d.]+) ([-\d.]+)', el.get('d'))
        cur = None
        for c, x, y in pts:
            p = (float(x), float(y))
            if c == 'L' and cur: d.line([cur, p], fill=el.get('stroke'), width=1)
            cur = p
    elif tag == 'rect' and el.get('fill') == 'none':
        x, y, w, h = (float(el.get(k)) for k in ('x', 'y', 'width', 'height'))
        d.rectangle([x, y, x+w, y+h], outline='#444')
    elif tag == 'text':
        d.text((float(el.get('x')), float(el.get('y')) - 10), el.text or '', fill=el.get('fill') or 'black')
im.save(sys.argv[2])
