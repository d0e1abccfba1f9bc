#!/usr/bin/env python3
"""Says whether a screenshot shows something: tests/cli/html.sh runs it on Chromium's PNGs.

    screenshot.py PNG [RRGGBB ...]

Decodes the PNG with the standard library only (8-bit RGB or RGBA, not interlaced, as Chromium
writes them), prints its size, how many distinct colours it has and how much of it is not white,
and exits 1 if it is blank (fewer than 8 colours, or under 1% not white) or if a colour given
(e.g. c62828, the finding's red) appears in no pixel.
"""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat = 8, []
    width = height = channels = None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError(f"unsupported PNG (depth {depth}, colour type {colour})")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, prev, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1 : at + 1 + stride])
        at += 1 + stride
        bpp = channels
        if kind == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif kind == 2:
            for x in range(stride):
                line[x] = (line[x] + prev[x]) & 255
        elif kind == 3:
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + ((left + prev[x]) >> 1)) & 255
        elif kind == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    width, height, channels, rows = decode(sys.argv[1])
    colours = set()
    white = 0
    for row in rows:
        for x in range(0, len(row), channels):
            rgb = row[x : x + 3]
            colours.add(rgb)
            white += rgb == b"\xff\xff\xff"
    pixels = width * height
    inked = 1 - white / pixels
    print(f"{sys.argv[1]}: {width}x{height}, {len(colours)} colours, {inked:.1%} not white")
    ok = len(colours) >= 8 and inked >= 0.01
    if not ok:
        print("  blank: fewer than 8 colours or under 1% not white")
    for want in sys.argv[2:]:
        if bytes.fromhex(want) not in colours:
            print(f"  no pixel of colour #{want}")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
