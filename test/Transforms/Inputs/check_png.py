#!/usr/bin/env python3
"""Checks that a file is a well-formed 8-bit RGB PNG and prints its size.

Verifies the signature, every chunk's CRC, the IHDR fields, that the IDAT
stream inflates to height * (1 + 3 * width) bytes of filter-0 scanlines,
and the IEND chunk; then prints "png WIDTHxHEIGHT rgb8 ok" and the number of
pixels of each colour. Exits 1 with a message on the first problem.

Usage: check_png.py FILE
"""

import struct
import sys
import zlib


def fail(msg):
    print("bad png: " + msg)
    sys.exit(1)


def main():
    data = open(sys.argv[1], "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("signature is %r" % data[:8])
    pos, chunks = 8, []
    while pos < len(data):
        if pos + 12 > len(data):
            fail("truncated chunk at offset %d" % pos)
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) & 0xffffffff != crc:
            fail("CRC mismatch in %r" % kind)
        chunks.append((kind, body))
        pos += 12 + length
    kinds = [k for k, _ in chunks]
    if kinds[0] != b"IHDR" or kinds[-1] != b"IEND":
        fail("chunks are %r" % kinds)
    width, height, depth, colour, comp, filt, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1])
    if (depth, colour, comp, filt, interlace) != (8, 2, 0, 0, 0):
        fail("IHDR is not 8-bit RGB, no interlace")
    raw = zlib.decompress(b"".join(b for k, b in chunks if k == b"IDAT"))
    stride = 1 + 3 * width
    if len(raw) != height * stride:
        fail("IDAT holds %d bytes, expected %d" % (len(raw), height * stride))
    colours = {}
    for y in range(height):
        row = raw[y * stride:(y + 1) * stride]
        if row[0] != 0:
            fail("scanline %d uses filter %d" % (y, row[0]))
        for x in range(width):
            rgb = row[1 + 3 * x:4 + 3 * x]
            colours[rgb] = colours.get(rgb, 0) + 1
    print("png %dx%d rgb8 ok" % (width, height))
    for rgb, n in sorted(colours.items(), key=lambda kv: -kv[1]):
        print("colour %d,%d,%d: %d pixels" % (rgb[0], rgb[1], rgb[2], n))


if __name__ == "__main__":
    main()
