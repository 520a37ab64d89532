#!/usr/bin/env python3
"""Writes .npy inputs for an attn spec whose operands attn-run cannot draw.

attn-run draws float inputs of static shape from N(0, 1) by itself; a spec
with integer operands (segment ids, document offsets, a block mask) or with
dynamic extents needs --inputs, and then every input: this script writes them
all, one ARG.npy per argument of the function holding attn.attention, in
argument order, into OUTDIR, and prints the comma-separated list for
--inputs. It prints nothing (and writes nothing) when attn-run can draw every
input itself.

  floats (Q, K, V, a bias)     float32, N(0, 1)
  segments, document ids       int32 sorted runs 0, 0, .., 1, 1, .. (1 to 16
                               documents), the same for Q and K/V when their
                               lengths agree
                               (with --ids-out-of-order: runs numbered
                               from the last down, the second run padding
                               (-1), the fourth taking the first's id: one
                               document in two runs)
  segments, document(offsets)  int32 cumulative starts [B, N + 1]: 0, then
                               N - 1 distinct sorted cuts, then the length
  block_mask                   int8, each block kept with probability 1/2
  a dynamic extent `?`         --batch in dimension 0, --seq elsewhere

With --random-floats, float inputs of static shape are listed as `@` (drawn
by attn-run and attn-launch with the same portable generator) and not
written.

Standard library only. Usage:
  example-inputs.py SPEC.mlir OUTDIR [--seed S] [--batch B] [--seq S]
                    [--random-floats] [--ids-out-of-order]
"""

import argparse
import os
import random
import re
import struct
import sys

CHUNK = 1 << 20


def write_npy(path, descr, shape, chunks):
    """Writes a version 1.0 .npy file; `chunks` yields packed little-endian
    bytes in row-major order."""
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, dims)
    # Magic (6) + version (2) + length (2) + header + '\n', padded to 64.
    pad = 64 - (10 + len(header) + 1) % 64
    header = (header + " " * (pad % 64) + "\n").encode("latin1")
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header)
        for chunk in chunks:
            f.write(chunk)


def count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def normal_f32(rng, n):
    gauss = rng.gauss
    for start in range(0, n, CHUNK):
        m = min(CHUNK, n - start)
        yield struct.pack("<%df" % m, *[gauss(0.0, 1.0) for _ in range(m)])


def packed(fmt, values):
    return [struct.pack("<%d%s" % (len(values), fmt), *values)]


def segment_ids(rng, length):
    """Document ids 0, 0, .., 1, .., as sorted runs over `length`."""
    docs = rng.randint(1, min(16, length))
    cuts = sorted(rng.sample(range(1, length), docs - 1)) if docs > 1 else []
    ids, doc = [], 0
    for i in range(length):
        while doc < len(cuts) and i >= cuts[doc]:
            doc += 1
        ids.append(doc)
    return ids


def ids_out_of_order(rng, length):
    """Document ids that are not sorted runs (see the module's doc)."""
    docs = rng.randint(min(4, length), min(16, length))
    cuts = sorted(rng.sample(range(1, length), docs - 1)) if docs > 1 else []
    ids, doc = [], 0
    for i in range(length):
        while doc < len(cuts) and i >= cuts[doc]:
            doc += 1
        ids.append(docs - 1 - doc)
    runs = sorted(set(ids), reverse=True)  # in order of appearance
    if len(runs) >= 2:
        ids = [-1 if d == runs[1] else d for d in ids]
    if len(runs) >= 4:
        ids = [runs[0] if d == runs[3] else d for d in ids]
    return ids


def offsets(rng, entries, length):
    """Cumulative document starts: 0, entries - 2 distinct cuts, length."""
    inner = entries - 2
    if inner > length - 1:
        sys.exit("example-inputs: %d offsets do not fit a length of %d"
                 % (entries, length))
    cuts = sorted(rng.sample(range(1, length), inner)) if inner > 0 else []
    return [0] + cuts + [length]


def parse_spec(text):
    """The arguments (name, dims, element type) of the function holding
    attn.attention, and the op's text."""
    for func in re.finditer(r"func\.func\s+@[\w.$-]+\s*\((.*?)\)\s*->", text,
                            re.S):
        body_start = func.end()
        nxt = text.find("func.func", body_start)
        body = text[body_start:nxt if nxt >= 0 else len(text)]
        if "attn.attention" not in body:
            continue
        args = []
        for m in re.finditer(r"%([\w$.-]+)\s*:\s*tensor<([^>]*)>",
                             func.group(1)):
            *dims, element = m.group(2).split("x")
            args.append((m.group(1), dims, element))
        op = body[body.index("attn.attention"):]
        return args, op
    sys.exit("example-inputs: no func.func holds an attn.attention")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec")
    parser.add_argument("outdir")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--seq", type=int, default=1500)
    parser.add_argument("--ids-out-of-order", action="store_true",
                        help="document ids that are not sorted runs")
    parser.add_argument("--random-floats", action="store_true",
                        help="list '@' for float inputs of static shape "
                        "(attn-run and attn-launch draw the same bits) and "
                        "write only the others")
    opts = parser.parse_args()

    with open(opts.spec, encoding="utf-8") as f:
        args, op = parse_spec(f.read())
    floats = ("f32", "f16", "bf16")
    if all(e in floats and "?" not in d for _, d, e in args):
        if opts.random_floats:
            print(",".join("@" for _ in args))
        return  # attn-run draws them all

    def extent(i, d):
        if d != "?":
            return int(d)
        return opts.batch if i == 0 else opts.seq

    shapes = {name: [extent(i, d) for i, d in enumerate(dims)]
              for name, dims, _ in args}
    operands = re.match(r"attn\.attention\s+%([\w$.-]+),\s*%([\w$.-]+)", op)
    bshd = "#attn.layout<bshd>" in op
    seq_axis = 1 if bshd else 2
    q_len = shapes[operands.group(1)][seq_axis]
    kv_len = shapes[operands.group(2)][seq_axis]
    segments = re.search(r"segments\(%([\w$.-]+),\s*%([\w$.-]+)", op)
    block_mask = re.search(r"block_mask\(%([\w$.-]+)", op)
    from_offsets = "document(offsets)" in op

    rng = random.Random(opts.seed)
    os.makedirs(opts.outdir, exist_ok=True)
    paths = []
    same = {}  # the Q side's values, reused for K/V when the lengths agree
    for name, dims, element in args:
        shape = shapes[name]
        path = os.path.join(opts.outdir, name + ".npy")
        if element in floats and opts.random_floats and "?" not in dims:
            paths.append("@")
            continue
        if element in floats:
            write_npy(path, "<f4", shape, normal_f32(rng, count(shape)))
        elif segments and name in segments.groups():
            side = 0 if name == segments.group(1) else 1
            length = q_len if side == 0 else kv_len
            rows = []
            for b in range(shape[0]):
                key = (b, length)
                if key not in same:
                    same[key] = (
                        offsets(rng, shape[1], length) if from_offsets
                        else ids_out_of_order(rng, length)
                        if opts.ids_out_of_order else segment_ids(rng, length))
                rows += same[key]
            write_npy(path, "<i4", shape, packed("i", rows))
        elif block_mask and name == block_mask.group(1):
            bits = [rng.randint(0, 1) for _ in range(count(shape))]
            write_npy(path, "|i1", shape, packed("b", bits))
        else:
            sys.exit("example-inputs: cannot make %s (%s)" % (name, element))
        paths.append(path)
    print(",".join(paths))


if __name__ == "__main__":
    main()
