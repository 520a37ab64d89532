"""Tests of the GPU benchmark's scripts.

The pure-Python parts (grid, masks, visible-pair and FLOP counts, segment
ids, row sampling, the tolerance rule, attn-launch output and manifest
parsing, table formatting, the command lines) run anywhere:

  cd bench/gpu && python3 -m unittest -v
  python3 -m unittest discover -s bench/gpu -v      (from the repo root)

The tests that need PyTorch (reference against a direct computation, the
check rule on tensors, the attn-launch path with a stand-in launcher) run on
the CPU when torch and numpy are there and skip otherwise; the peer tests
need a CUDA device too.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import peers  # noqa: E402
import run_bench  # noqa: E402
import workloads as wl  # noqa: E402

try:
    import torch
except ImportError:
    torch = None
try:
    import numpy
except ImportError:
    numpy = None

HAVE_TORCH = torch is not None and numpy is not None
HAVE_CUDA = HAVE_TORCH and torch.cuda.is_available()


def small(mask="none", b=2, hq=4, hkv=2, sq=37, sk=37, d=16, **kw):
    return wl.Workload(name="t-" + mask, group="test", batch=b, q_heads=hq,
                       kv_heads=hkv, q_len=sq, kv_len=sk, head_dim=d,
                       mask=mask, seed=kw.pop("seed", 5), **kw)


def brute_pairs(w):
    ids = w.segment_ids()
    return sum(1 for b in range(w.batch) for q in range(w.q_len)
               for k in range(w.kv_len) if wl.visible(w, b, q, k, ids))


class VisiblePairs(unittest.TestCase):
    def test_causal_against_brute_force(self):
        for sq in (1, 2, 7, 33):
            for sk in (1, 5, 33, 40):
                w = small("causal", sq=sq, sk=sk)
                self.assertEqual(w.visible_pairs(), brute_pairs(w), (sq, sk))

    def test_causal_square_is_triangle(self):
        for s in (1, 128, 4096, 16384):
            self.assertEqual(wl.causal_pairs(s, s), s * (s + 1) // 2)

    def test_window_against_brute_force(self):
        for s in (1, 9, 40):
            for width in (1, 2, 8, 39, 40, 100):
                w = small("window", sq=s, sk=s, window=width)
                self.assertEqual(w.visible_pairs(), brute_pairs(w),
                                 (s, width))
        w = small("window", sq=30, sk=20, window=6)  # unequal lengths
        self.assertEqual(w.visible_pairs(), brute_pairs(w))

    def test_window_closed_form(self):
        s, width = 8192, 1024
        expected = width * (width + 1) // 2 + (s - width) * width
        self.assertEqual(wl.window_pairs(s, s, width), expected)

    def test_window_sees_window_keys(self):
        # q - k < W: a query far from the start sees exactly W keys.
        w = small("window", sq=50, sk=50, window=8)
        self.assertEqual(
            sum(wl.visible(w, 0, 40, k) for k in range(50)), 8)

    def test_document_against_brute_force(self):
        for s, lo, hi in ((40, 3, 9), (64, 1, 1), (50, 7, 100), (17, 2, 5)):
            w = small("document", sq=s, sk=s, doc_min=lo, doc_max=hi)
            self.assertEqual(w.visible_pairs(), brute_pairs(w), (s, lo, hi))

    def test_document_pairs_any_layout_and_padding(self):
        row = [0, 1, 0, -1, 1, 1, -1, 0]
        brute = sum(1 for q in range(len(row)) for k in range(q + 1)
                    if row[q] == row[k] and row[q] >= 0)
        self.assertEqual(wl.document_pairs(row), brute)

    def test_document_sum_of_triangles(self):
        w = wl.find("document-d128-s8192-causal")
        for row in w.segment_ids():
            lengths = {}
            for i in row:
                lengths[i] = lengths.get(i, 0) + 1
            self.assertEqual(wl.document_pairs(row), sum(
                n * (n + 1) // 2 for n in lengths.values()))

    def test_document_starts_are_the_runs(self):
        # Each row's starts rebuild its ids: position i lies in document
        # (number of starts <= i) - 1; shorter rows end in repeated S.
        w = wl.find("document-offsets-d128-s8192-causal")
        ids, starts = w.segment_ids(), w.document_starts()
        self.assertEqual(len({len(r) for r in starts}), 1)
        for row, st in zip(ids, starts):
            self.assertEqual(st[0], 0)
            self.assertEqual(st[-1], w.q_len)
            self.assertEqual(st, sorted(st))
            run = [sum(1 for x in st if x <= i) - 1 for i in range(len(row))]
            self.assertEqual(run, row)
        self.assertEqual(w.doc_operand_shape(), [w.batch, len(starts[0])])
        self.assertEqual(wl.document_starts([[0, 0, 1], [0, 0, 0]], 3),
                         [[0, 2, 3], [0, 3, 3]])

    def test_document_starts_refuse_what_they_cannot_say(self):
        with self.assertRaises(ValueError):
            wl.document_starts([[0, 1, 0]], 3)  # document 0 in two runs
        with self.assertRaises(ValueError):
            wl.document_starts([[0, 0, -1]], 3)  # padding

    def test_offsets_workload_is_the_ids_workload(self):
        ids = wl.find("document-d128-s8192-causal")
        off = wl.find("document-offsets-d128-s8192-causal")
        self.assertEqual(off.segment_ids(), ids.segment_ids())
        self.assertEqual(off.flops(), ids.flops())
        self.assertEqual(off.package_name, "document-offsets-d128")
        self.assertIn("offsets", off.mask_text())
        with self.assertRaises(ValueError):
            small("document", doc_min=1, doc_max=2, doc_format="lengths")

    def test_dense(self):
        w = small("none", b=3, sq=5, sk=11)
        self.assertEqual(w.visible_pairs(), 3 * 5 * 11)
        self.assertEqual(w.visible_pairs(), brute_pairs(w))


class Flops(unittest.TestCase):
    def test_flops_formula(self):
        for mask, kw in (("none", {}), ("causal", {}),
                         ("window", {"window": 5}),
                         ("document", {"doc_min": 3, "doc_max": 8})):
            w = small(mask, **kw)
            self.assertEqual(w.flops(), 4 * w.q_heads * w.head_dim *
                             brute_pairs(w))

    def test_known_figures(self):
        w = wl.find("dense-d128-s16384-causal")
        s = 16384
        self.assertEqual(w.flops(), 4 * 1 * 16 * s * (s + 1) // 2 * 128)
        w = wl.find("dense-d64-s512")
        self.assertEqual(w.flops(), 4 * 32 * 32 * 512 * 512 * 64)
        w = wl.find("decode-gqa32x8-d128-skv32768")
        self.assertEqual(w.flops(), 4 * 16 * 32 * 32768 * 128)
        # K and V read once dominate decode's bytes.
        kv = 2 * 16 * 8 * 32768 * 128 * 2
        self.assertEqual(w.min_bytes(), kv + 2 * 2 * 16 * 32 * 128)

    def test_rates(self):
        self.assertAlmostEqual(peers.tflops(2e12, 1000.0), 2.0)
        self.assertAlmostEqual(peers.tflops(1e12, 2.0), 500.0)
        self.assertAlmostEqual(peers.tbps(3e9, 1.0), 3.0)


class Grid(unittest.TestCase):
    def setUp(self):
        self.grid = wl.all_workloads()

    def test_names_unique_and_stable(self):
        names = [w.name for w in self.grid]
        self.assertEqual(len(names), len(set(names)))
        for name in ("dense-d128-s4096-causal", "dense-d64-s512",
                     "dense-d256-s16384-causal", "gqa32x8-d128-s4096-causal",
                     "window1024-d128-s8192-causal",
                     "document-d128-s8192-causal",
                     "decode-gqa32x8-d128-skv32768"):
            self.assertIn(name, names)

    def test_fa3_grid(self):
        fa3 = [w for w in self.grid if w.group == "fa3"]
        self.assertEqual(len(fa3), 3 * 6 * 2)
        seen = set()
        for w in fa3:
            self.assertEqual(w.batch * w.q_len, 16384)
            self.assertEqual(w.q_heads * w.head_dim, 2048)
            self.assertEqual((w.q_heads, w.q_len), (w.kv_heads, w.kv_len))
            self.assertIn(w.mask, ("none", "causal"))
            seen.add((w.head_dim, w.q_len, w.mask))
        self.assertEqual(seen, {(d, s, m) for d in (64, 128, 256)
                                for s in (512, 1024, 2048, 4096, 8192, 16384)
                                for m in ("none", "causal")})

    def test_extra_rows(self):
        g = wl.find("gqa32x8-d128-s4096-causal")
        self.assertEqual((g.q_heads, g.kv_heads, g.q_len, g.head_dim, g.mask),
                         (32, 8, 4096, 128, "causal"))
        self.assertEqual(g.batch * g.q_len, 16384)
        s = wl.find("window1024-d128-s8192-causal")
        self.assertEqual((s.batch, s.q_heads, s.q_len, s.window, s.mask),
                         (2, 16, 8192, 1024, "window"))
        d = wl.find("document-d128-s8192-causal")
        self.assertEqual((d.q_len, d.head_dim, d.doc_min, d.doc_max),
                         (8192, 128, 256, 2048))
        dec = wl.find("decode-gqa32x8-d128-skv32768")
        self.assertEqual((dec.batch, dec.q_heads, dec.kv_heads, dec.q_len,
                          dec.kv_len, dec.head_dim, dec.mask),
                         (16, 32, 8, 1, 32768, 128, "none"))

    def test_package_names(self):
        names = {w.name: w.package_name for w in self.grid}
        self.assertEqual(names["dense-d128-s4096-causal"], "dense-d128-causal")
        self.assertEqual(names["dense-d64-s512"], "dense-d64")
        self.assertEqual(names["gqa32x8-d128-s4096-causal"], "gqa-d128-causal")
        self.assertEqual(names["window1024-d128-s8192-causal"],
                         "window1024-d128")
        self.assertEqual(names["document-d128-s8192-causal"], "document-d128")
        self.assertEqual(names["decode-gqa32x8-d128-skv32768"], "decode-d128")
        # One package per (mask kind, head dim), with one head count each.
        heads = {}
        for w in self.grid:
            heads.setdefault(w.package_name, set()).add(
                (w.q_heads, w.kv_heads))
        self.assertTrue(all(len(h) == 1 for h in heads.values()), heads)

    def test_select(self):
        picked = wl.select(self.grid, ["d64-s512$"])
        self.assertEqual([w.name for w in picked], ["dense-d64-s512"])
        picked = wl.select(self.grid, ["^gqa", "^decode"])
        self.assertEqual(len(picked), 2)
        self.assertEqual(len(wl.select(self.grid, [])), len(self.grid))
        # 18 FA3 rows, GQA, window, documents as ids and as offsets
        self.assertEqual(len(wl.select(self.grid, ["causal"])), 18 + 4)

    def test_workload_validation(self):
        with self.assertRaises(ValueError):
            small("window")  # no window width
        with self.assertRaises(ValueError):
            small("none", hq=3, hkv=2)
        with self.assertRaises(ValueError):
            small("document", sq=4, sk=5, doc_min=1, doc_max=2)


class SegmentIds(unittest.TestCase):
    def test_documents(self):
        ids = wl.segment_ids(3, 8192, 256, 2048, seed=11)
        self.assertEqual(len(ids), 3)
        for row in ids:
            self.assertEqual(len(row), 8192)
            self.assertEqual(row[0], 0)
            self.assertTrue(all(b - a in (0, 1) for a, b in zip(row, row[1:])))
            lengths = [row.count(i) for i in range(row[-1] + 1)]
            self.assertTrue(all(256 <= n <= 2048 for n in lengths[:-1]))
            self.assertTrue(1 <= lengths[-1] <= 2048)
        self.assertNotEqual(ids[0], ids[1])

    def test_deterministic(self):
        self.assertEqual(wl.segment_ids(2, 1000, 10, 90, 3),
                         wl.segment_ids(2, 1000, 10, 90, 3))
        self.assertNotEqual(wl.segment_ids(2, 1000, 10, 90, 3),
                            wl.segment_ids(2, 1000, 10, 90, 4))


class Rows(unittest.TestCase):
    def test_all_rows_below_threshold(self):
        self.assertEqual(wl.sample_rows(1, 0), [0])
        self.assertEqual(wl.sample_rows(1024, 0), list(range(1024)))
        self.assertEqual(wl.sample_rows(2047, 0), list(range(2047)))

    def test_sample(self):
        for s in (2048, 4096, 16384):
            rows = wl.sample_rows(s, 7)
            self.assertEqual(len(rows), 256)
            self.assertEqual(rows, sorted(set(rows)))
            self.assertEqual((rows[0], rows[-1]), (0, s - 1))
        self.assertEqual(wl.sample_rows(4096, 7), wl.sample_rows(4096, 7))


class Rule(unittest.TestCase):
    def test_tolerance(self):
        bound, ok = peers.tolerance(0.003, 0.002)
        self.assertAlmostEqual(bound, 0.00401)
        self.assertTrue(ok)
        self.assertFalse(peers.tolerance(0.0041, 0.002)[1])
        self.assertTrue(peers.tolerance(1e-5, 0.0)[1])
        self.assertFalse(peers.tolerance(float("nan"), 0.1)[1])
        self.assertFalse(peers.tolerance(float("inf"), 0.1)[1])

    def test_input_sets(self):
        l2 = 50 * 10**6
        self.assertEqual(peers.input_sets(64 * 2**20, l2), 1)
        self.assertEqual(peers.input_sets(l2, l2), 1)
        self.assertEqual(peers.input_sets(l2 - 1, l2), 3)
        n = peers.input_sets(10**7, l2)
        self.assertEqual(n, 10)
        self.assertGreaterEqual(n * 10**7, 2 * l2)
        self.assertEqual(peers.input_sets(10, l2), peers.MAX_INPUT_SETS)

    def test_summarize(self):
        s = peers.summarize([5.0, 1.0, 3.0])
        self.assertEqual((s["median_ms"], s["min_ms"], s["runs"]),
                         (3.0, 1.0, 3))
        self.assertEqual(peers.summarize([1.0, 2.0, 3.0, 4.0])["median_ms"],
                         2.5)
        s = peers.summarize(list(range(1, 11)))
        self.assertLessEqual(s["p20_ms"], s["median_ms"])
        self.assertLessEqual(s["median_ms"], s["p80_ms"])

    def test_refusal_reason(self):
        err = "RuntimeError: No available kernel. Aborting execution."
        notes = peers.warning_lines([
            "Flash attention kernel not used because:",
            "Flash attention requires q,k,v to have the same last "
            "dimension\nmore", "Flash attention kernel not used because:"])
        self.assertEqual(len(notes), 2)
        self.assertTrue(peers.refusal_reason(err, notes).startswith(
            "Flash attention requires"))
        self.assertEqual(peers.refusal_reason(err, notes[:1]), err)
        self.assertEqual(peers.refusal_reason(err, []), err)

    def test_calls_per_sample(self):
        self.assertEqual(peers.calls_per_sample(5.0), 1)
        self.assertEqual(peers.calls_per_sample(1.0), 1)
        self.assertEqual(peers.calls_per_sample(0.3), 4)
        self.assertEqual(peers.calls_per_sample(0.1), 10)
        self.assertEqual(peers.calls_per_sample(1e-6), 100)

    def test_parse_peers_and_masks(self):
        self.assertEqual(peers.parse_peers("all"), peers.PEERS)
        self.assertEqual(peers.parse_peers("none"), ())
        self.assertEqual(peers.parse_peers("flex, cudnn"), ("flex", "cudnn"))
        with self.assertRaises(ValueError):
            peers.parse_peers("flash,xformers")
        self.assertEqual(peers.parse_mask("window:1024"),
                         {"mask": "window", "window": 1024})
        self.assertEqual(peers.parse_mask("document:256-2048"),
                         {"mask": "document", "doc_min": 256,
                          "doc_max": 2048})
        for bad in ("window", "causal:3", "document:5", "sliding"):
            with self.assertRaises(ValueError):
                peers.parse_mask(bad)
        w = peers.custom_workload("2,16,4,4096,4096,128", "causal")
        self.assertEqual((w.batch, w.q_heads, w.kv_heads, w.q_len, w.kv_len,
                          w.head_dim, w.mask), (2, 16, 4, 4096, 4096, 128,
                                                "causal"))
        with self.assertRaises(ValueError):
            peers.custom_workload("2,16,4", "none")


class LaunchOutput(unittest.TestCase):
    def test_parse(self):
        text = ("attn-launch: loaded dense-d128-causal (sm_90a)\n"
                "median time: 1.234 ms over 50 runs (cuda)\n")
        self.assertEqual(run_bench.parse_launch_output(text),
                         {"ms": 1.234, "runs": 50, "device": "cuda"})

    def test_variants(self):
        p = run_bench.parse_launch_output
        self.assertEqual(p("median time: 12 ms over 1 run (cuda)")["ms"], 12.0)
        self.assertEqual(p("median time: 5e-02 ms over 7 runs (cuda)")["ms"],
                         0.05)
        self.assertEqual(p("median time: .5 ms over 3 runs (cuda)")["ms"], 0.5)
        last = p("median time: 1.0 ms over 5 runs (cuda)\n"
                 "median time: 2.0 ms over 50 runs (cuda)\n")
        self.assertEqual((last["ms"], last["runs"]), (2.0, 50))
        self.assertIsNone(p(""))
        self.assertIsNone(p("attn-launch: error: no such file"))
        self.assertIsNone(p("median time: fast ms over 5 runs (cuda)"))

    def test_command(self):
        cmd = run_bench.launch_command("bin/attn-launch", "p/x.attnpkg",
                                       ["q.npy", "k.npy", "v.npy"],
                                       ["o.npy"], 50, 5)
        self.assertEqual(cmd, ["bin/attn-launch", "p/x.attnpkg", "--inputs",
                               "q.npy,k.npy,v.npy", "--outputs", "o.npy",
                               "--repeat", "50", "--warmup", "5"])


MANIFEST = textwrap.dedent("""\
    attn-kernel-package 1
    compiler attn 0.1 (LLVM 22.1)
    # a comment
    target sm_90a
    entry attn_fwd
    block 128
    grid cdiv(SQ,128) 16 B
    shared 0
    sym B
    sym SQ
    sym SK
    input q bf16 B 16 SQ 128
    input k bf16 B 16 SK 128
    input v bf16 B 16 SK 128
    input qs i32 B SQ
    input ks i32 B SK
    output o bf16 B 16 SQ 128
    output lse f32 B 16 SQ
    param ptr q
    ptx 12
    .version 8.0""")


def m2_text(text):
    """MANIFEST turned into a decode package: no ids, heads 32/8."""
    return (text.replace("input qs i32 B SQ\n", "")
            .replace("input ks i32 B SK\n", "")
            .replace("B 16 SQ", "B 32 SQ").replace("B 16 SK", "B 8 SK"))


class Manifest(unittest.TestCase):
    def doc(self):
        return wl.find("document-d128-s8192-causal")

    def test_parse(self):
        m = run_bench.parse_manifest(MANIFEST)
        self.assertEqual(m["target"], "sm_90a")
        self.assertEqual(m["entry"], "attn_fwd")
        self.assertEqual(m["syms"], ["B", "SQ", "SK"])
        self.assertEqual([i["name"] for i in m["inputs"]],
                         ["q", "k", "v", "qs", "ks"])
        self.assertEqual(m["inputs"][0]["dims"], ["B", 16, "SQ", 128])
        self.assertEqual([o["name"] for o in m["outputs"]], ["o", "lse"])

    def test_errors(self):
        with self.assertRaises(run_bench.ManifestError):
            run_bench.parse_manifest("attn-kernel-package 2\nptx 0\n")
        with self.assertRaises(run_bench.ManifestError):
            run_bench.parse_manifest("attn-kernel-package 1\nentry x\n")
        with self.assertRaises(run_bench.ManifestError):
            run_bench.parse_manifest("attn-kernel-package 1\ninput q\nptx 0")

    def test_read(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "p.attnpkg")
            with open(path, "wb") as f:
                f.write(MANIFEST.encode() + b"\n\x00\xff binary-ish tail")
            self.assertEqual(len(run_bench.read_manifest(path)["inputs"]), 5)

    def test_match(self):
        m = run_bench.parse_manifest(MANIFEST)
        self.assertIsNone(run_bench.match_manifest(m, self.doc()))
        dense = wl.find("dense-d128-s4096-causal")
        self.assertIn("5 inputs", run_bench.match_manifest(m, dense))
        gqa = run_bench.parse_manifest(MANIFEST.replace(
            "input k bf16 B 16", "input k bf16 B 8"))
        self.assertIn("dim 1 is 8", run_bench.match_manifest(gqa, self.doc()))
        clash = run_bench.parse_manifest(MANIFEST.replace(
            "input k bf16 B 16 SK", "input k bf16 B 16 SQ").replace(
            "input ks i32 B SK", "input ks i32 B SQ"))
        self.assertIsNone(run_bench.match_manifest(clash, self.doc()))
        dec = wl.find("decode-gqa32x8-d128-skv32768")
        m2 = run_bench.parse_manifest(m2_text(MANIFEST))
        self.assertIsNone(run_bench.match_manifest(m2, dec))
        # q and k naming one symbol for lengths 1 and 32768: a clash.
        m3 = run_bench.parse_manifest(m2_text(MANIFEST).replace(
            "input q bf16 B 32 SQ", "input q bf16 B 32 SK"))
        self.assertIn("SK is 1 elsewhere, 32768 here",
                      run_bench.match_manifest(m3, dec))

    def test_outputs(self):
        m = run_bench.parse_manifest(MANIFEST)
        self.assertEqual(run_bench.output_paths(m, "/t"),
                         ["/t/o.npy", "/t/lse.npy"])

    def test_expected_inputs(self):
        stems = [s for s, _ in run_bench.expected_inputs(self.doc())]
        self.assertEqual(stems, ["q", "k", "v", "qs", "ks"])
        g = wl.find("gqa32x8-d128-s4096-causal")
        self.assertEqual(run_bench.expected_inputs(g)[1][1],
                         [4, 8, 4096, 128])
        off = wl.find("document-offsets-d128-s8192-causal")
        starts = len(off.document_starts()[0])
        self.assertEqual(run_bench.expected_inputs(off)[3:],
                         [("qs", [2, starts]), ("ks", [2, starts])])


def fake_records():
    def ok(t):
        return peers.result("ok", ms=1.0, tflops=t, tbps=0.5,
                            check={"max_err": 1e-3, "bound": 2e-3})

    grid = {w.name: w for w in wl.all_workloads()}
    return [
        {"workload": grid["dense-d128-s4096-causal"].describe(),
         "peers": {"flash": ok(400.0), "cudnn": ok(500.0), "flex": ok(300.0)},
         "ours": ok(450.0)},
        {"workload": grid["window1024-d128-s8192-causal"].describe(),
         "peers": {"flash": peers.result("n/a", reason="SDPA has no window "
                                         "mask | really"),
                   "cudnn": peers.result("n/a", reason="x" * 100),
                   "flex": peers.result("failed_check", reason="max err")},
         "ours": peers.result("error", reason="attn-launch exit 1: boom")},
        {"workload": grid["decode-gqa32x8-d128-skv32768"].describe(),
         "peers": {"flash": ok(10.0), "cudnn": ok(12.0),
                   "flex": peers.result("n/a", reason="OOM")},
         "ours": None},
    ]


class Table(unittest.TestCase):
    def test_cells(self):
        self.assertEqual(run_bench.cell(None), "-")
        self.assertEqual(run_bench.cell(peers.result("ok", tflops=512.345)),
                         "512.3")
        self.assertEqual(run_bench.cell(peers.result("failed_check")),
                         "FAILED CHECK")
        self.assertEqual(run_bench.cell(peers.result("n/a", reason="GQA")),
                         "n/a (GQA)")
        long = run_bench.cell(peers.result("n/a", reason="y" * 100), 20)
        self.assertEqual(long, "n/a (" + "y" * 17 + "...)")
        self.assertEqual(run_bench.cell(peers.result("error", reason="rc 1")),
                         "ERROR (rc 1)")

    def test_ratio(self):
        recs = fake_records()
        self.assertEqual(run_bench.best_peer(recs[0], peers.PEERS),
                         ("cudnn", 500.0))
        self.assertEqual(run_bench.ratio_cell(recs[0], peers.PEERS),
                         "0.90x (cudnn)")
        self.assertEqual(run_bench.ratio_cell(recs[1], peers.PEERS), "-")
        self.assertEqual(run_bench.ratio_cell(recs[2], peers.PEERS), "-")
        # A peer that failed its check is never the best.
        recs[0]["peers"]["cudnn"]["status"] = "failed_check"
        self.assertEqual(run_bench.best_peer(recs[0], peers.PEERS),
                         ("flash", 400.0))

    def test_text(self):
        text = run_bench.format_text(fake_records(), peers.PEERS)
        lines = text.splitlines()
        self.assertEqual(len(lines), 2 + 3)
        self.assertTrue(lines[0].startswith("workload"))
        for title in ("SDPA flash", "SDPA cuDNN", "FlexAttention", "attn",
                      "attn / best peer"):
            self.assertIn(title, lines[0])
        self.assertIn("500.0", lines[2])
        self.assertIn("0.90x (cudnn)", lines[2])
        self.assertIn("FAILED CHECK", lines[3])
        self.assertIn("ERROR (attn-launch exit 1: boom)", lines[3])
        # Columns line up: every row as wide as the dashes.
        self.assertTrue(all(len(ln) <= len(lines[1]) for ln in lines))
        no_ours = run_bench.format_text(fake_records(), ("flash",), False)
        self.assertNotIn("attn", no_ours.splitlines()[0])

    def test_markdown(self):
        meta = {"date": "2026-01-01T00:00:00+00:00", "device": "NVIDIA H100",
                "torch": "2.11.0", "triton": "3.6.0", "cuda": "13.0",
                "cudnn": 91000}
        md = run_bench.format_markdown(fake_records(), peers.PEERS, meta)
        self.assertIn("- Device: NVIDIA H100", md)
        self.assertIn("- Triton: 3.6.0", md)
        table = [ln for ln in md.splitlines() if ln.startswith("|")]
        head_cells = table[0].count("|")
        self.assertTrue(all(ln.count("|") - ln.count("\\|") == head_cells
                            for ln in table[:5]), table)
        self.assertIn("| dense-d128-s4096-causal | B4 H16 S4096 D128 | "
                      "causal | 400.0 | 500.0 | 300.0 | 450.0 | "
                      "0.90x (cudnn) |", md)
        self.assertIn("SDPA has no window mask \\| really", md)
        self.assertIn("Memory-bound rows", md)
        self.assertIn("| decode-gqa32x8-d128-skv32768 | 0.50 | 0.50 | "
                      "n/a (OOM) | - |", md)
        self.assertIn("- window1024-d128-s8192-causal, attn: error "
                      "attn-launch exit 1: boom", md)

    def test_json_ready(self):
        data = run_bench.json_ready({"a": [float("nan"), 1.0],
                                     "b": {"c": float("-inf")}})
        self.assertEqual(json.loads(json.dumps(data)),
                         {"a": ["nan", 1.0], "b": {"c": "-inf"}})


class CommandLine(unittest.TestCase):
    def test_parser(self):
        a = run_bench.build_parser().parse_args(
            ["--only", "d128", "--only", "^gqa", "--packages", "pk",
             "--markdown", "o.md", "--json", "o.json", "--peers", "flash"])
        self.assertEqual(a.only, ["d128", "^gqa"])
        self.assertEqual((a.packages, a.markdown, a.json, a.peers),
                         ("pk", "o.md", "o.json", "flash"))
        self.assertEqual(a.attn_launch, "build-rt/bin/attn-launch")
        self.assertEqual((a.repeat, a.warmup), (50, 5))

    def test_list(self):
        buf = io.StringIO()
        with redirect_stdout(buf):
            rc = run_bench.main(["--list", "--only", "d256-s512"])
        self.assertEqual(rc, 0)
        lines = buf.getvalue().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertIn("dense-d256-causal.attnpkg", lines[1])

    def test_list_as_script(self):
        proc = subprocess.run([sys.executable,
                               os.path.join(HERE, "run_bench.py"), "--list"],
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(len(proc.stdout.splitlines()),
                         len(wl.all_workloads()))

    def test_no_match(self):
        self.assertEqual(run_bench.main(["--only", "nothing-like-this"]), 2)

    def test_merge(self):
        recs = fake_records()
        with tempfile.TemporaryDirectory() as tmp:
            a, b = os.path.join(tmp, "a.json"), os.path.join(tmp, "b.json")
            md, js = os.path.join(tmp, "all.md"), os.path.join(tmp, "all.json")
            for path, part, date in ((a, recs[2:], "d1"), (b, recs[:2], "d2")):
                with open(path, "w") as f:
                    json.dump(run_bench.json_ready({
                        "meta": {"date": date, "device": "H100",
                                 "command": path},
                        "records": part}), f)
            buf = io.StringIO()
            with redirect_stdout(buf):
                rc = run_bench.main(["--merge", a, b, "--markdown", md,
                                     "--json", js])
            self.assertEqual(rc, 0)
            lines = buf.getvalue().splitlines()
            # Grid order: dense, window, decode.
            self.assertEqual([ln.split()[0] for ln in lines[2:]],
                             ["dense-d128-s4096-causal",
                              "window1024-d128-s8192-causal",
                              "decode-gqa32x8-d128-skv32768"])
            with open(md) as f:
                text = f.read()
            self.assertIn("- Date: d1, d2", text)
            self.assertIn("0.90x (cudnn)", text)
            with open(js) as f:
                self.assertEqual(len(json.load(f)["records"]), 3)
            self.assertEqual(run_bench.main(
                ["--merge", os.path.join(tmp, "none.json")]), 2)

    def test_peers_list(self):
        buf = io.StringIO()
        with redirect_stdout(buf):
            self.assertEqual(peers.main(["--list"]), 0)
        self.assertIn("document-d128-s8192-causal", buf.getvalue())


# ---------------------------------------------------------------------------
# With PyTorch (CPU is enough)
# ---------------------------------------------------------------------------


def direct_attention(w, q, k, v, ids):
    """Softmax attention by loops over (b, h) with a mask from
    workloads.visible: independent of peers.reference_rows."""
    out = torch.zeros(q.shape, dtype=torch.float64)
    group = w.q_heads // w.kv_heads
    idl = w.segment_ids()
    for b in range(w.batch):
        vis = torch.tensor([[wl.visible(w, b, i, j, idl)
                             for j in range(w.kv_len)]
                            for i in range(w.q_len)])
        for h in range(w.q_heads):
            s = q[b, h].double() @ k[b, h // group].double().T
            s = s / w.head_dim ** 0.5
            s[~vis] = float("-inf")
            p = torch.softmax(s, dim=-1)
            p = torch.nan_to_num(p, nan=0.0)
            out[b, h] = p @ v[b, h // group].double()
    return out


@unittest.skipUnless(HAVE_TORCH, "needs torch and numpy")
class Reference(unittest.TestCase):
    CASES = [("none", {}), ("causal", {}), ("window", {"window": 6}),
             ("document", {"doc_min": 3, "doc_max": 11})]

    def test_mask_rows_match_visible(self):
        for mask, kw in self.CASES:
            w = small(mask, sq=29, sk=29, **kw)
            q, k, v, ids = peers.make_inputs(w, 1, "cpu")
            rows = torch.arange(w.q_len)
            idl = w.segment_ids()
            for b in range(w.batch):
                vis = peers.mask_rows(w, rows, None if ids is None else ids[b])
                brute = torch.tensor([[wl.visible(w, b, i, j, idl)
                                       for j in range(w.kv_len)]
                                      for i in range(w.q_len)])
                self.assertTrue(torch.equal(vis, brute), mask)

    def test_reference_against_direct(self):
        for mask, kw in self.CASES:
            w = small(mask, sq=29, sk=29, **kw)
            case = peers.Case(w, device="cpu", l2_bytes=1)
            q, k, v, ids = case.sets[0]
            direct = direct_attention(w, q, k, v, ids)
            self.assertLess((case.ref - direct).abs().max().item(), 1e-12,
                            mask)
            # The naive bf16 computation is close, but not exact.
            self.assertLess(case.naive_err, 0.05, mask)
            self.assertGreater(case.naive_err, 0.0, mask)

    def test_sampled_rows_equal_full_rows(self):
        w = small("causal", b=1, hq=2, hkv=1, sq=40, sk=40)
        full = peers.Case(w, device="cpu", l2_bytes=1)
        rows = [0, 7, 39]
        part = peers.Case(w, device="cpu", l2_bytes=1, rows=rows)
        diff = (part.ref - full.ref[:, :, rows]).abs().max().item()
        self.assertLess(diff, 1e-12)

    def test_check_rule(self):
        w = small("causal", sq=33, sk=33)
        case = peers.Case(w, device="cpu", l2_bytes=1)
        exact = case.ref.to(torch.bfloat16)  # what a good kernel gives
        c = case.check(exact)
        self.assertTrue(c["ok"], c)
        bad = exact.clone()
        bad[1, 2, 30, 3] += 0.25
        self.assertFalse(case.check(bad)["ok"])
        nan = exact.clone()
        nan[0, 0, 5, 0] = float("nan")
        self.assertFalse(case.check(nan)["ok"])
        self.assertFalse(case.check(exact[:, :, :-1])["ok"])
        # float32 numpy output as attn-launch writes it
        self.assertTrue(case.check(torch.from_numpy(
            exact.float().numpy()))["ok"])

    def test_input_sets_rotate(self):
        w = small("none")
        case = peers.Case(w, device="cpu", l2_bytes=10**9)
        self.assertGreaterEqual(len(case.sets), 2)
        self.assertFalse(torch.equal(case.sets[0][0], case.sets[1][0]))


FAKE_LAUNCH = textwrap.dedent("""\
    #!{python}
    # Stand-in for attn-launch: computes attention with numpy (causal or
    # not, from argv[-1] of the test), or writes garbage with MODE=bad.
    import os, sys
    import numpy as np
    args = sys.argv[1:]
    ins = args[args.index("--inputs") + 1].split(",")
    outs = args[args.index("--outputs") + 1].split(",")
    q, k, v = (np.load(p).astype(np.float64) for p in ins[:3])
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    n = s.shape[-1]
    s = np.where(np.tril(np.ones((n, n), bool)), s, -np.inf)
    p = np.exp(s - s.max(-1, keepdims=True))
    o = (p / p.sum(-1, keepdims=True)) @ v
    if os.environ.get("MODE") == "bad":
        o = o + 0.1
    np.save(outs[0], o.astype(np.float32))
    print("attn-launch: ran")
    print("median time: 0.250 ms over 50 runs (cuda)")
    """)


@unittest.skipUnless(HAVE_TORCH, "needs torch and numpy")
class OursPath(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.launch = os.path.join(self.dir, "attn-launch")
        with open(self.launch, "w") as f:
            f.write(FAKE_LAUNCH.format(python=sys.executable))
        os.chmod(self.launch, 0o755)
        self.w = wl.Workload(name="t", group="fa3", batch=2, q_heads=4,
                             kv_heads=4, q_len=48, kv_len=48, head_dim=16,
                             mask="causal", seed=3)
        with open(os.path.join(self.dir, "dense-d16-causal.attnpkg"),
                  "w") as f:
            f.write(MANIFEST.replace("16", "4").replace("128", "16")
                    .replace("input qs i32 B SQ\n", "")
                    .replace("input ks i32 B SK\n", ""))
        self.case = peers.Case(self.w, device="cpu", l2_bytes=1)

    def tearDown(self):
        self.tmp.cleanup()

    def args(self, **kw):
        a = run_bench.build_parser().parse_args(
            ["--packages", self.dir, "--attn-launch", self.launch])
        for key, value in kw.items():
            setattr(a, key, value)
        return a

    def test_ok(self):
        res = run_bench.run_ours(self.case, self.args())
        self.assertEqual(res["status"], "ok", res)
        self.assertEqual(res["ms"], 0.25)
        self.assertAlmostEqual(res["tflops"], self.w.flops() / 0.25e9)

    def test_bad_output_fails_check(self):
        os.environ["MODE"] = "bad"
        try:
            res = run_bench.run_ours(self.case, self.args())
        finally:
            del os.environ["MODE"]
        self.assertEqual(res["status"], "failed_check", res)

    def test_missing(self):
        self.assertIsNone(run_bench.run_ours(self.case,
                                             self.args(packages=None)))
        res = run_bench.run_ours(self.case, self.args(
            attn_launch=os.path.join(self.dir, "nope")))
        self.assertEqual(res["status"], "error")
        other = wl.Workload(name="t2", group="fa3", batch=1, q_heads=4,
                            kv_heads=4, q_len=8, kv_len=8, head_dim=32,
                            mask="none")
        case = peers.Case(other, device="cpu", l2_bytes=1)
        res = run_bench.run_ours(case, self.args())
        self.assertEqual(res["status"], "n/a")
        self.assertIn("dense-d32.attnpkg", res["reason"])


@unittest.skipUnless(HAVE_CUDA, "needs a CUDA device")
class PeersOnGpu(unittest.TestCase):
    def test_small_cases(self):
        for mask, kw in (("causal", {}), ("window", {"window": 200}),
                         ("document", {"doc_min": 100, "doc_max": 300})):
            w = small(mask, b=2, hq=4, hkv=4, sq=1024, sk=1024, d=64, **kw)
            case = peers.Case(w)
            res = peers.run_peers(case, peers.PEERS, warmup_ms=5, rep_ms=20)
            self.assertEqual(res["flex"]["status"], "ok", res["flex"])
            if mask == "causal":
                self.assertEqual(res["flash"]["status"], "ok", res["flash"])
            else:
                self.assertEqual(res["flash"]["status"], "n/a")


class SourceId(unittest.TestCase):
    """The "Commit" line names what built the packages, not the checkout."""

    def test_reads_source_txt_beside_the_packages(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "bench"))
            with open(os.path.join(d, "source.txt"), "w") as f:
                f.write("abc1234-dirty\n")
            self.assertEqual(run_bench.source_id(os.path.join(d, "bench")),
                             "abc1234-dirty")

    def test_falls_back_to_this_checkout(self):
        expected = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE,
            capture_output=True, text=True).stdout.strip() or None
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(run_bench.source_id(d), expected)
        self.assertEqual(run_bench.source_id(None), expected)


if __name__ == "__main__":
    unittest.main()
