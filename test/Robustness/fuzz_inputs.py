#!/usr/bin/env python3
"""Feeds attn-opt malformed and adversarial inputs; it must never crash.

Inputs, all generated from a fixed seed:
  * every examples/*.mlir as is, truncated at sampled cut points (some of
    them inside the #attn.mask / #attn.score bodies), with random bytes
    replaced, and with each integer of its mask / score bodies and of its
    first tensor type replaced by extreme values;
  * hand-written adversarial inputs: an empty file, 100000 '!', deeply
    nested and unbalanced parentheses, brackets and '<', huge integers in
    every mask kind's parameters, binary junk, NUL bytes in an attribute
    body, broken mask_mod / score_mod regions, malformed attn.einsum
    equations;
  * every mask kind with extreme parameters, and random compositions of
    valid masks with extreme parameters, run through --attn-tile-report with
    small dynamic lengths.

Each input goes to `attn-opt -` on stdin with a timeout. attn-opt may accept
(exit 0, e.g. a truncation that is still valid) or reject (exit 1) an input,
but must not be killed by a signal, exit with another code, hang, or print
"Stack dump", "LLVM ERROR", "Assertion `...' failed" or "PLEASE submit a bug
report". Every failing input is saved under WORK_DIR and named in the output,
and the script exits 1.

Usage: fuzz_inputs.py ATTN_OPT EXAMPLES_DIR WORK_DIR [--cuts N] [--flips N]
                      [--seed S] [--jobs N] [--timeout SECONDS]
"""

import argparse
import concurrent.futures
import os
import random
import re
import subprocess
import sys

CRASH_MARKERS = (b"Stack dump", b"LLVM ERROR", b"Assertion `",
                 b"PLEASE submit a bug report", b"UNREACHABLE executed")

EXTREME_INTS = ["0", "-1", "2147483648", "4294967296", "1152921504606846976",
                "4611686018427387904", "9223372036854775807",
                "9223372036854775808", "-9223372036854775808",
                "18446744073709551617", "1" + "0" * 40]

# Bytes that change the structure of MLIR or of a mask expression.
INTERESTING_BYTES = b"()[]{}<>!&|,:=*-+?x.#%^@\"'\\ \n0123456789\x00\xff"


class Case:
    """One input: its name, its bytes and the extra attn-opt arguments."""

    def __init__(self, name, data, args=(), group="adversarial"):
        self.name = name
        self.data = data if isinstance(data, bytes) else data.encode()
        self.args = list(args)
        self.group = group


def attention(mask=None, score=None, qtype="tensor<1x8x256x64xf32>",
              ktype=None, extra_attrs="", operands="", regions=""):
    """A module with one attn.attention."""
    ktype = ktype or qtype
    attrs = []
    if mask is not None:
        attrs.append("mask = #attn.mask<%s>" % mask)
    if score is not None:
        attrs.append("score = #attn.score<%s>" % score)
    if extra_attrs:
        attrs.append(extra_attrs)
    attr_dict = " {%s}" % ", ".join(attrs) if attrs else ""
    return ("func.func @main(%%q: %s, %%k: %s, %%v: %s) -> %s {\n"
            "  %%o = attn.attention %%q, %%k, %%v%s%s : %s, %s, %s -> %s%s\n"
            "  return %%o : %s\n}\n" % (qtype, ktype, ktype, qtype, operands,
                                       attr_dict, qtype, ktype, ktype, qtype,
                                       regions, qtype))


def attribute_spans(text):
    """(start, end) of the bodies of #attn.mask<...> and #attn.score<...>."""
    return [(m.start(1), m.end(1))
            for m in re.finditer(r"#attn\.(?:mask|score)<([^>]*)>", text)]


def example_cases(examples_dir, cuts, flips, seed):
    cases = []
    for name in sorted(os.listdir(examples_dir)):
        if not name.endswith(".mlir"):
            continue
        with open(os.path.join(examples_dir, name), "rb") as f:
            data = f.read()
        text = data.decode("utf-8", errors="replace")
        rng = random.Random("%s:%s" % (seed, name))
        spans = attribute_spans(text)
        cases.append(Case("%s as is" % name, data, group="examples as is"))

        # Truncations: a quarter of the cut points inside attribute bodies,
        # the rest anywhere.
        points = set()
        inside = [p for s, e in spans for p in range(s, e + 1)]
        while len(points) < min(cuts, len(data)):
            if inside and rng.random() < 0.25:
                points.add(rng.choice(inside))
            else:
                points.add(rng.randrange(len(data)))
        for p in sorted(points):
            cases.append(Case("%s truncated at byte %d" % (name, p), data[:p],
                              group="truncations"))

        # Byte replacements: 1 to 4 bytes, half of the time in a body.
        for i in range(flips):
            mutated = bytearray(data)
            edits = []
            for _ in range(rng.randint(1, 4)):
                if inside and rng.random() < 0.5:
                    pos = rng.choice(inside)
                else:
                    pos = rng.randrange(len(mutated))
                byte = (rng.choice(INTERESTING_BYTES) if rng.random() < 0.7
                        else rng.randrange(256))
                mutated[pos] = byte
                edits.append("%d:0x%02x" % (pos, byte))
            cases.append(Case("%s with bytes %s" % (name, ",".join(edits)),
                              bytes(mutated), group="byte replacements"))

        # Extreme integers in the mask / score bodies and the first shape.
        targets = [m for s, e in spans
                   for m in re.finditer(r"-?\d+", text[s:e])
                   for m in [(s + m.start(), s + m.end())]]
        shape = re.search(r"tensor<([^>]*)>", text)
        if shape:
            targets += [(shape.start(1) + m.start(), shape.start(1) + m.end())
                        for m in re.finditer(r"\d+", shape.group(1))]
        for s, e in rng.sample(targets, min(len(targets), 6)):
            value = rng.choice(EXTREME_INTS)
            cases.append(Case("%s with %r at byte %d" % (name, value, s),
                              text[:s] + value + text[e:],
                              group="extreme integers"))
    return cases


def mask_kind_templates():
    """Each mask kind with a placeholder N for its integer parameters."""
    return ["window(N)", "window(N, N)", "window(N, N, bottom_right)",
            "sink(N)", "prefix(N)", "chunk(N)", "chunk(N, N)",
            "dilated(N, N)", "global(N)", "global(0, N)", "strided(N, N)",
            "strided(N, N, N)",
            "neighborhood(extents = [N], kernel = [N])",
            "neighborhood(extents = [16, 16], kernel = [N, 3])",
            "neighborhood(extents = [16], kernel = [2], dilation = [N])",
            "neighborhood(extents = [16], kernel = [4], dilation = [N])",
            "neighborhood(extents = [16], kernel = [4], stride = [N])",
            "neighborhood(extents = [N, N, N], kernel = 1)",
            "blocks(N, N, runtime)", "blocks(N, 128, [[1, 0], [1, 1]])",
            "heads([N] : causal, * : causal)"]


def adversarial_cases(seed):
    rng = random.Random("%s:adversarial" % seed)
    cases = [
        Case("empty file", b""),
        Case("100000 '!'", b"!" * 100000),
        Case("100000 '(' at top level", b"(" * 100000),
        Case("100000 '<'", b"<" * 100000),
        Case("100000 '['", b"[" * 100000),
        Case("100000 '{'", b"{" * 100000),
        Case("100000 '>'", b">" * 100000),
        Case("mask nested in 100000 parentheses",
             attention("(" * 100000 + "causal" + ")" * 100000)),
        Case("mask nested in 199 parentheses",
             attention("(" * 199 + "causal" + ")" * 199)),
        Case("mask with 100000 unbalanced '('",
             attention("(" * 100000 + "causal")),
        Case("mask with 100000 unbalanced ')'",
             attention("causal" + ")" * 100000)),
        Case("mask with 100000 '!'", attention("!" * 100000 + "causal")),
        Case("mask with 100000 '&'", attention("causal" + " &" * 100000)),
        Case("mask with 100000 '|'", attention("|" * 100000)),
        Case("100000-way conjunction",
             attention(" & ".join(["causal"] * 100000))),
        Case("heads nested 300 deep",
             attention("heads(* : " * 300 + "causal" + ")" * 300)),
        Case("blocks layout nested 100000 deep",
             attention("blocks(128, 128, " + "[" * 100000 + "1" +
                       "]" * 100000 + ")")),
        Case("global with 100000 tokens",
             attention("global(" + ", ".join(map(str, range(100000))) + ")",
                       qtype="tensor<1x2x100000x8xf32>")),
        Case("unbalanced '<' in the mask", attention("causal").replace(
            "#attn.mask<causal>", "#attn.mask<causal")),
        Case("unbalanced '<' in a type",
             "func.func @f(%a: tensor<1x8x16x8xf32) { return }\n"),
        Case("generic attribute nested 2000 deep",
             "func.func @f() attributes {x = " + "[" * 2000 + "]" * 2000 +
             "} { return }\n"),
        Case("NUL in the mask body",
             attention("causal\x00 & window(4)")),
        Case("NUL right after '#attn.mask<'", attention("\x00")),
        Case("0xff 0xfe bytes in the mask body",
             attention("causal").encode().replace(b"causal>",
                                                  b"caus\xff\xfeal>")),
        Case("mask keyword 100000 letters long", attention("c" * 100000)),
        Case("mask integer 100000 digits long",
             attention("window(" + "9" * 100000 + ")")),
        Case("score float 100000 digits long",
             attention(score="softcap(" + "9" * 100000 + ".5)")),
        Case("empty mask", attention("")),
        Case("empty score", attention(score="")),
        Case("score softcap 1e999", attention(score="softcap(1e999)")),
        Case("score softcap -0.0", attention(score="softcap(-0.0)")),
        Case("score alibi 1e-400", attention(score="alibi(1e-400)")),
        Case("score list of 10000 terms",
             attention(score=", ".join(["alibi"] * 10000))),
        Case("tensor dims at int64 max",
             attention("causal", qtype="tensor<1x8x9223372036854775807x64xf32>")),
        Case("tensor dims of zero", attention("causal",
                                              qtype="tensor<0x8x0x64xf32>")),
        Case("zero heads", attention("causal", qtype="tensor<1x0x16x64xf32>")),
        Case("head dim zero", attention("causal", qtype="tensor<1x8x16x0xf32>")),
        Case("rank 5", attention("causal", qtype="tensor<1x1x8x16x64xf32>")),
        Case("rank 0", attention("causal", qtype="tensor<f32>")),
        Case("unranked", attention("causal", qtype="tensor<*xf32>")),
        Case("mask_mod without a region", attention("mask_mod")),
        Case("mask_mod with an empty region",
             attention("mask_mod", regions=" mask_mod {\n}")),
        Case("mask_mod with an empty block",
             attention("mask_mod", regions=" mask_mod {\n^bb0(%b: index, "
                       "%h: index, %i: index, %j: index):\n}")),
        Case("mask_mod without a terminator",
             attention("mask_mod", regions=" mask_mod {\n^bb0(%b: index, "
                       "%h: index, %i: index, %j: index):\n"
                       "  %c = arith.cmpi ule, %j, %i : index\n}")),
        Case("mask_mod yielding index",
             attention("mask_mod", regions=" mask_mod {\n^bb0(%b: index, "
                       "%h: index, %i: index, %j: index):\n"
                       "  attn.yield %i : index\n}")),
        Case("mask_mod yielding nothing",
             attention("mask_mod", regions=" mask_mod {\n^bb0(%b: index, "
                       "%h: index, %i: index, %j: index):\n"
                       "  attn.yield\n}")),
        Case("mask_mod with two blocks",
             attention("mask_mod", regions=" mask_mod {\n^bb0(%b: index, "
                       "%h: index, %i: index, %j: index):\n"
                       "  %c = arith.cmpi ule, %j, %i : index\n"
                       "  cf.br ^bb1\n^bb1:\n  attn.yield %c : i1\n}")),
        Case("mask_mod with func.return",
             attention("mask_mod", regions=" mask_mod {\n^bb0(%b: index, "
                       "%h: index, %i: index, %j: index):\n"
                       "  %c = arith.cmpi ule, %j, %i : index\n"
                       "  func.return %c : i1\n}")),
        Case("mask_mod with no block arguments",
             attention("mask_mod", regions=" mask_mod {\n"
                       "  %c = arith.constant true\n  attn.yield %c : i1\n}")),
        Case("mask_mod using a value from above",
             attention("mask_mod", regions=" mask_mod {\n^bb0(%b: index, "
                       "%h: index, %i: index, %j: index):\n"
                       "  %c = arith.cmpi ule, %q, %i : index\n"
                       "  attn.yield %c : i1\n}")),
        Case("score_mod yielding i1",
             attention(score="score_mod", regions=" score_mod {\n^bb0(%s: f32, "
                       "%b: index, %h: index, %i: index, %j: index):\n"
                       "  %c = arith.constant true\n  attn.yield %c : i1\n}")),
        Case("both regions, swapped",
             attention("mask_mod", score="score_mod", regions=" score_mod {\n"
                       "^bb0(%b: index, %h: index, %i: index, %j: index):\n"
                       "  %c = arith.constant true\n  attn.yield %c : i1\n}"
                       " mask_mod {\n^bb0(%s: f32, %b: index, %h: index, "
                       "%i: index, %j: index):\n  attn.yield %s : f32\n}")),
        Case("attn.yield outside attention",
             "func.func @f() { attn.yield }\n"),
        Case("generic attention with bad operandSegmentSizes",
             'func.func @f(%q: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {\n'
             '  %o = "attn.attention"(%q, %q, %q) <{operandSegmentSizes = '
             'array<i32: 1, 1, 1, 5, -1, 0, 0>}> ({}, {}) : '
             '(tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>)'
             ' -> tensor<1x1x4x4xf32>\n  return %o : tensor<1x1x4x4xf32>\n}\n'),
        Case("generic attention with a string for its mask",
             'func.func @f(%q: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {\n'
             '  %o = "attn.attention"(%q, %q, %q) <{mask = "causal", '
             'operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0>}> ({}, {})'
             ' : (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, '
             'tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>\n'
             '  return %o : tensor<1x1x4x4xf32>\n}\n'),
        Case("generic attention without operands",
             'func.func @f() {\n  "attn.attention"() : () -> ()\n  return\n}\n'),
    ]
    for eq in ["", "->", "->a", "a->", "ab,ab->", "abc->abcd", "ab->ba->ab",
               "a" * 27 + "->a", "AB->A", "a,b,c,d,e->a", "\xe9\xe9->\xe9",
               "ab->aa", "aa->a", "a b->a"]:
        cases.append(Case(
            "attn.einsum equation %r" % eq,
            ('func.func @f(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) '
             '-> tensor<2x2xf32> {\n  %r = attn.einsum mul "EQ" reduce add '
             '(%a, %b) : (tensor<2x3xf32>, tensor<3x2xf32>) -> '
             'tensor<2x2xf32>\n  return %r : tensor<2x2xf32>\n}\n'
             ).replace("EQ", eq)))
    # Each mask kind with extreme parameters: parsed and verified against
    # static shapes, with dynamic lengths through the tile report (which
    # evaluates whatever the verifier let through), and lowered to a GPU
    # kernel (whose IR builders see the same parameters).
    report = ["--attn-tile-report=seq-q=64 seq-kv=64 q-tile=16 kv-tile=16 "
              "all-heads=true", "-o", "/dev/null"]
    for template in mask_kind_templates():
        for value in EXTREME_INTS:
            mask = template.replace("N", value)
            cases.append(Case("mask %s" % mask, attention(mask),
                              group="extreme mask parameters"))
            cases.append(Case("tile report of mask %s" % mask,
                              attention(mask, qtype="tensor<?x8x?x64xf32>"),
                              report, group="extreme mask parameters"))
            cases.append(Case("GPU kernel of mask %s" % mask, attention(mask),
                              ["--attn-to-gpu", "-o", "/dev/null"],
                              group="extreme mask parameters"))
    for i in range(8):
        junk = bytes(rng.randrange(256) for _ in range(rng.choice(
            [16, 256, 4096, 65536])))
        cases.append(Case("binary junk #%d (%d bytes)" % (i, len(junk)), junk))
        printable = "".join(rng.choice("()[]{}<>!&|,:=*-#%^@\"' \nabcxyz019")
                            for _ in range(4096))
        cases.append(Case("punctuation junk #%d" % i, printable))
        cases.append(Case("junk in the mask body #%d" % i,
                          attention(printable[:200].replace(">", ""))))
    return cases


def tile_report_cases(seed, count):
    """Valid-looking masks with extreme parameters, through the tile report."""
    rng = random.Random("%s:tile-report" % seed)
    values = [int(v) for v in EXTREME_INTS if int(v) >= 0] + list(range(8))
    values += [64, 100, 127, 128, 129, 255, 1023]

    def num():
        return rng.choice(values)

    def leaf():
        kind = rng.randrange(10)
        if kind == 0:
            return "window(%d, %d%s)" % (num(), num(), rng.choice(
                ["", ", bottom_right"]))
        if kind == 1:
            return "sink(%d)" % num()
        if kind == 2:
            return "prefix(%d)" % num()
        if kind == 3:
            size = num()
            return "chunk(%d, %d)" % (size, rng.choice([0, size // 2,
                                                       max(size - 1, 0)]))
        if kind == 4:
            return "dilated(%d, %d)" % (num(), num())
        if kind == 5:
            return "global(%s)" % ", ".join(
                map(str, sorted({num() for _ in range(3)})))
        if kind == 6:
            return "strided(%d, %d, %d)" % (num(), num(), num())
        if kind == 7:
            rank = rng.randint(1, 3)
            lists = ["[%s]" % ", ".join(str(num()) for _ in range(rank))
                     for _ in range(4)]
            return ("neighborhood(extents = %s, kernel = %s, dilation = %s, "
                    "stride = %s, causal = [%s])" % tuple(lists + [", ".join(
                        rng.choice(["true", "false"]) for _ in range(rank))]))
        return rng.choice(["causal", "causal(bottom_right)", "all"])

    def expr(depth=0):
        x = rng.random()
        if depth < 2 and x < 0.3:
            return "(%s %s %s)" % (expr(depth + 1), rng.choice("&|"),
                                   expr(depth + 1))
        if depth < 2 and x < 0.4:
            return "!" + expr(depth + 1)
        if depth < 2 and x < 0.45:
            return "heads([0] : %s, * : %s)" % (expr(depth + 1),
                                                expr(depth + 1))
        return leaf()

    qtype = "tensor<?x4x?x16xf32>"
    cases = []
    for i in range(count):
        mask = expr()
        seq_q = rng.choice([1, 7, 64, 300])
        seq_kv = rng.choice([seq_q, 1, 50, 300])
        options = ("seq-q=%d seq-kv=%d q-tile=%d kv-tile=%d head=%d "
                   "all-heads=true" % (seq_q, seq_kv, rng.choice([1, 16, 64]),
                                       rng.choice([1, 16, 64]),
                                       rng.randint(0, 3)))
        cases.append(Case("tile report of %s (%s)" % (mask, options),
                          attention(mask, qtype=qtype),
                          ["--attn-tile-report=" + options, "-o", "/dev/null"],
                          group="tile reports"))
    return cases


def run_case(attn_opt, case, timeout):
    """Returns None when attn-opt behaved, else a description of the failure."""
    try:
        p = subprocess.run([attn_opt] + case.args + ["-"], input=case.data,
                           capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "did not finish within %d s" % timeout
    output = p.stdout + p.stderr
    if p.returncode < 0:
        return "killed by signal %d" % -p.returncode
    if p.returncode not in (0, 1):
        return "exit code %d" % p.returncode
    for marker in CRASH_MARKERS:
        if marker in output:
            return "printed %r" % marker.decode()
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("attn_opt")
    ap.add_argument("examples_dir")
    ap.add_argument("work_dir")
    ap.add_argument("--cuts", type=int, default=40,
                    help="truncation points per example")
    ap.add_argument("--flips", type=int, default=12,
                    help="byte-replacement mutants per example")
    ap.add_argument("--tile-reports", type=int, default=120,
                    help="random extreme masks run through the tile report")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=int, default=30)
    args = ap.parse_args()

    cases = (example_cases(args.examples_dir, args.cuts, args.flips, args.seed)
             + adversarial_cases(args.seed)
             + tile_report_cases(args.seed, args.tile_reports))
    os.makedirs(args.work_dir, exist_ok=True)
    print("running %d inputs through %s" % (len(cases), args.attn_opt))
    sys.stdout.flush()

    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = pool.map(lambda c: run_case(args.attn_opt, c, args.timeout),
                           cases)
        for case, problem in zip(cases, results):
            if problem is None:
                continue
            path = os.path.join(args.work_dir, "failure-%d.mlir" %
                                len(failures))
            with open(path, "wb") as f:
                f.write(case.data)
            failures.append(case)
            command = " ".join(["attn-opt"] + case.args + ["-"])
            print("FAIL %s: `%s` %s; input saved as %s" %
                  (case.name[:300], command, problem, path))
            sys.stdout.flush()

    groups = {}
    for case in cases:
        groups[case.group] = groups.get(case.group, 0) + 1
    print("inputs: " + ", ".join("%d %s" % (n, g)
                                 for g, n in sorted(groups.items())))
    if failures:
        print("error: %d of %d inputs crashed or hung attn-opt" %
              (len(failures), len(cases)))
        return 1
    print("all %d inputs handled without a crash" % len(cases))
    return 0


if __name__ == "__main__":
    sys.exit(main())
