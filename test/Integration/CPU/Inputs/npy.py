#!/usr/bin/env python3
"""Writes and reads small .npy files with the standard library only.

  npy.py write PATH DTYPE SHAPE [fill]   DTYPE f4|f2|i4|i8, SHAPE like 1x2x3;
                                         fill: random (default, seed 0) or
                                         a constant
  npy.py read PATH                       prints dtype, shape, and the min,
                                         max and NaN count of the data
"""
import math
import random
import struct
import sys


def write(path, dtype, shape, fill):
    dims = [int(d) for d in shape.split("x")] if shape else []
    n = 1
    for d in dims:
        n *= d
    rng = random.Random(0)
    code = {"f4": "f", "f2": "e", "i4": "i", "i8": "q"}[dtype]
    values = []
    for _ in range(n):
        if fill == "random":
            v = rng.gauss(0.0, 1.0)
            values.append(v if dtype[0] == "f" else int(abs(v) * 3))
        else:
            values.append(float(fill) if dtype[0] == "f" else int(fill))
    shape_txt = "(" + "".join("%d, " % d for d in dims).rstrip(", ") + \
        ("," if len(dims) == 1 else "") + ")"
    header = "{'descr': '<%s', 'fortran_order': False, 'shape': %s, }" % (
        dtype, shape_txt)
    pad = 64 - (10 + len(header) + 1) % 64
    header += " " * pad + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode("latin1"))
        f.write(struct.pack("<%d%s" % (n, code), *values))


def read(path):
    data = open(path, "rb").read()
    assert data[:6] == b"\x93NUMPY", "not a .npy file"
    hlen = struct.unpack("<H", data[8:10])[0]
    header = data[10:10 + hlen].decode("latin1")
    body = data[10 + hlen:]
    assert "'<f4'" in header, header
    n = len(body) // 4
    vals = struct.unpack("<%df" % n, body)
    shape = header[header.index("(") + 1:header.index(")")]
    nans = sum(1 for v in vals if math.isnan(v))
    finite = [v for v in vals if not math.isnan(v)]
    nan = float("nan")
    print("dtype f4 shape (%s) n %d nan %d min %.3g max %.3g" % (
        shape, n, nans, min(finite, default=nan), max(finite, default=nan)))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3], sys.argv[4],
              sys.argv[5] if len(sys.argv) > 5 else "random")
    else:
        read(sys.argv[2])
