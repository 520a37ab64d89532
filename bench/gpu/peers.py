#!/usr/bin/env python3
"""The peers of the GPU benchmark, checked against an fp64 reference and timed.

For one workload (see workloads.py) this builds the inputs on the GPU (bf16,
[B, H, S, D], torch.randn with a seed; K and V with Hkv heads), computes the
fp64 reference and the naive bf16 attention on a set of query rows, and runs
each peer on the same inputs:

  flash  torch SDPA under sdpa_kernel(SDPBackend.FLASH_ATTENTION)
  cudnn  torch SDPA under sdpa_kernel(SDPBackend.CUDNN_ATTENTION)
  flex   torch.compile(flex_attention) with a BlockMask from create_block_mask

A peer's output must pass max|out - ref| <= 2 * max|naive - ref| + 1e-5 on the
reference rows (and be finite everywhere) before it is timed. A peer that
cannot run a case (a mask SDPA cannot express, a backend that refuses the
shapes, a compile error, out of memory) is reported as n/a with the reason;
it never stops the run.

Timing: one call for an estimate, warm-up calls for about --warmup-ms, then
about --rep-ms of calls in samples (at least 10) of back-to-back calls
between two CUDA events, each sample about 1 ms long (one call per sample
for kernels of 1 ms or more); the median per-call time of the samples is
reported. No cache flush; when one input set fits in the L2 cache, the calls
rotate over several input sets.

Usage (on the GPU machine):
  peers.py dense-d128-s4096-causal [more names...] [--peers flash,cudnn,flex]
  peers.py --shape 2,16,16,4096,4096,128 --mask window:1024
  peers.py --list
"""

import argparse
import contextlib
import gc
import json
import math
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import workloads as wl  # noqa: E402

try:
    import torch
except ImportError:  # the pure helpers below stay importable
    torch = None

PEERS = ("flash", "cudnn", "flex")
PEER_TITLES = {"flash": "SDPA flash", "cudnn": "SDPA cuDNN",
               "flex": "FlexAttention"}
L2_BYTES_DEFAULT = 50 * 1000 * 1000  # H100 SXM, as PyTorch reports it
MAX_INPUT_SETS = 64

# ---------------------------------------------------------------------------
# Pure helpers (no torch)
# ---------------------------------------------------------------------------


def tolerance(max_err, naive_err):
    """The rule: max|out - ref| <= 2 max|naive - ref| + 1e-5. Returns
    (bound, passed); a NaN error never passes."""
    bound = 2.0 * naive_err + 1e-5
    return bound, bool(max_err <= bound)


def tflops(flops, ms):
    return flops / (ms * 1e9)


def tbps(nbytes, ms):
    return nbytes / (ms * 1e9)


def input_sets(set_bytes, l2_bytes, max_sets=MAX_INPUT_SETS):
    """How many input sets to rotate over: 1 when one set does not fit in
    L2, else enough sets to span twice the L2 (2 at least)."""
    if set_bytes >= l2_bytes:
        return 1
    need = -(-2 * l2_bytes // set_bytes)
    return max(2, min(max_sets, need))


def summarize(times_ms):
    """Median, 20th and 80th percentiles, min and count of a list of times."""
    t = sorted(times_ms)
    n = len(t)
    if n == 0:
        raise ValueError("no times")
    mid = n // 2
    median = t[mid] if n % 2 else 0.5 * (t[mid - 1] + t[mid])

    def pct(p):
        return t[min(n - 1, int(round(p * (n - 1))))]

    return {"median_ms": median, "p20_ms": pct(0.2), "p80_ms": pct(0.8),
            "min_ms": t[0], "runs": n}


def first_line(text, limit=200):
    text = str(text).strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[:limit - 3] + "..."


def warning_lines(caught):
    """The distinct first lines of recorded warnings, in order."""
    notes = []
    for m in caught:
        line = first_line(getattr(m, "message", m))
        if line and line not in notes:
            notes.append(line)
    return notes


def refusal_reason(error, notes):
    """Why a peer did not run: SDPA raises a bare 'No available kernel' and
    says why in warnings ('Flash attention kernel not used because:', then
    the reason), so the first warning that is not such a header wins."""
    specific = [n for n in notes if not n.rstrip().endswith(":")]
    return specific[0] if specific else error


def result(status, **fields):
    """One peer's (or our) outcome: status is ok | n/a | failed_check |
    error."""
    out = {"status": status, "ms": None, "tflops": None, "tbps": None,
           "reason": "", "check": None}
    out.update(fields)
    return out


def finite_or_text(x):
    """JSON has no NaN or infinity: those become strings."""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    return x


def parse_mask(text):
    """'none' | 'causal' | 'window:W' | 'document:MIN-MAX' -> dict of
    Workload fields."""
    kind, _, arg = text.partition(":")
    if kind in ("none", "causal") and not arg:
        return {"mask": kind}
    if kind == "window" and arg.isdigit():
        return {"mask": "window", "window": int(arg)}
    if kind == "document":
        lo, _, hi = arg.partition("-")
        if lo.isdigit() and hi.isdigit():
            return {"mask": "document", "doc_min": int(lo), "doc_max": int(hi)}
    raise ValueError("mask must be none, causal, window:W or "
                     "document:MIN-MAX, not %r" % text)


def custom_workload(shape, mask, seed=0):
    """A workload from '--shape B,Hq,Hkv,Sq,Sk,D' and '--mask ...'."""
    try:
        b, hq, hkv, sq, sk, d = (int(x) for x in shape.split(","))
    except ValueError:
        raise ValueError("--shape takes B,Hq,Hkv,Sq,Sk,D, not %r" % shape)
    fields = parse_mask(mask)
    name = "custom-b%d-h%dx%d-sq%d-sk%d-d%d-%s" % (
        b, hq, hkv, sq, sk, d, mask.replace(":", ""))
    return wl.Workload(name=name, group="custom", batch=b, q_heads=hq,
                       kv_heads=hkv, q_len=sq, kv_len=sk, head_dim=d,
                       seed=seed, **fields)


def parse_peers(text):
    """'all' | 'none' | a comma list of peer names -> tuple of names."""
    if text == "all":
        return PEERS
    if text in ("none", ""):
        return ()
    names = tuple(p.strip() for p in text.split(",") if p.strip())
    for p in names:
        if p not in PEERS:
            raise ValueError("unknown peer %r (known: %s)" %
                             (p, ", ".join(PEERS)))
    return names


# ---------------------------------------------------------------------------
# Inputs and the reference (torch)
# ---------------------------------------------------------------------------


def make_inputs(w, seed, device):
    """(q, k, v, ids): bf16 [B, H, S, D] from N(0, 1) with `seed`; ids int32
    [B, S] for document masks, else None."""
    g = torch.Generator(device=device)
    g.manual_seed(seed)

    def randn(heads, length):
        return torch.randn((w.batch, heads, length, w.head_dim), generator=g,
                           device=device, dtype=torch.bfloat16)

    q = randn(w.q_heads, w.q_len)
    k = randn(w.kv_heads, w.kv_len)
    v = randn(w.kv_heads, w.kv_len)
    ids = None
    if w.mask == "document":
        ids = torch.tensor(w.segment_ids(), dtype=torch.int32, device=device)
    return q, k, v, ids


def mask_rows(w, rows_t, ids_b=None):
    """[R, Sk] bool: whether query rows_t[i] sees key k (workloads.visible,
    as tensors). ids_b: the [Sk] ids of this batch entry (document)."""
    device = rows_t.device
    kpos = torch.arange(w.kv_len, device=device)[None, :]
    qpos = rows_t[:, None]
    if w.mask == "none":
        return torch.ones((rows_t.numel(), w.kv_len), dtype=torch.bool,
                          device=device)
    vis = kpos <= qpos
    if w.mask == "window":
        vis = vis & (qpos - kpos < w.window)
    elif w.mask == "document":
        qid = ids_b.index_select(0, rows_t)[:, None]
        vis = vis & (ids_b[None, :] == qid) & (qid >= 0)
    return vis


def _softmax_weights(s):
    """exp(s - rowmax) and its row sums, 0 for rows with no visible key."""
    m = s.amax(dim=-1, keepdim=True)
    m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))
    e = torch.exp(s - m)
    total = e.sum(dim=-1, keepdim=True)
    return e, torch.where(total > 0, total, torch.ones_like(total))


def attend_fp64(q, k, v, vis, scale):
    """The reference: q [G, R, D], k and v [Sk, D], vis [R, Sk] -> [G, R, D]
    float64; softmax(scale Q K^T + mask) V, all in float64."""
    s = torch.matmul(q.double(), k.double().t()) * scale
    s = s.masked_fill(~vis, float("-inf"))
    e, total = _softmax_weights(s)
    return torch.matmul(e, v.double()) / total


def attend_naive(q, k, v, vis, scale):
    """Attention the way PyTorch eager computes it in bf16 (and attn-run's
    naive): S = Q K^T accumulated in high precision and rounded to bf16,
    scaled in fp32 and rounded to bf16, softmax in fp32 rounded to bf16,
    O = P V accumulated in high precision and rounded to bf16. The
    accumulations run in float64 here rather than float32: the difference
    (~1e-7 relative) is far under the bf16 roundings (~4e-3) that set the
    tolerance, and float64 keeps TF32 out of the picture."""
    bf16 = torch.bfloat16
    s = torch.matmul(q.double(), k.double().t()).float().to(bf16)
    s = (s.float() * scale).to(bf16).float()
    s = s.masked_fill(~vis, float("-inf"))
    e, total = _softmax_weights(s)
    p = (e / total).to(bf16)
    o = torch.matmul(p.double(), v.double()).float().to(bf16)
    return o.double()


def reference_rows(w, q, k, v, ids, rows):
    """(ref, naive): float64 [B, Hq, R, D] on the query rows `rows`, one KV
    head (and its query heads) at a time to bound memory."""
    device = q.device
    rows_t = torch.tensor(rows, dtype=torch.long, device=device)
    group = w.q_heads // w.kv_heads
    scale = 1.0 / math.sqrt(w.head_dim)
    shape = (w.batch, w.q_heads, len(rows), w.head_dim)
    ref = torch.empty(shape, dtype=torch.float64, device=device)
    naive = torch.empty(shape, dtype=torch.float64, device=device)
    for b in range(w.batch):
        vis = mask_rows(w, rows_t, None if ids is None else ids[b])
        for kh in range(w.kv_heads):
            heads = slice(kh * group, (kh + 1) * group)
            qb = q[b, heads].index_select(1, rows_t)  # [G, R, D]
            ref[b, heads] = attend_fp64(qb, k[b, kh], v[b, kh], vis, scale)
            naive[b, heads] = attend_naive(qb, k[b, kh], v[b, kh], vis, scale)
    return ref, naive


class Case:
    """One workload on the device: the input sets (set 0 is the one checked
    and given to attn-launch), the reference rows, ref and naive."""

    def __init__(self, w, seed=None, device="cuda", l2_bytes=None, rows=None):
        self.w = w
        self.seed = w.seed if seed is None else seed
        self.device = torch.device(device)
        if l2_bytes is None:
            l2_bytes = L2_BYTES_DEFAULT
            if self.device.type == "cuda":
                props = torch.cuda.get_device_properties(self.device)
                l2_bytes = getattr(props, "L2_cache_size", 0) or l2_bytes
        n = input_sets(w.input_bytes(), l2_bytes)
        self.sets = [make_inputs(w, self.seed + 7919 * i, self.device)
                     for i in range(n)]
        self.rows = (wl.sample_rows(w.q_len, self.seed) if rows is None
                     else list(rows))
        self.rows_t = torch.tensor(self.rows, dtype=torch.long,
                                   device=self.device)
        self.ref, self.naive = reference_rows(w, *self.sets[0], self.rows)
        self.naive_err = (self.naive - self.ref).abs().max().item()

    def check(self, out):
        """Applies the rule to `out` ([B, Hq, Sq, D], any float dtype, any
        device): returns a dict with ok, max_err, naive_err, bound."""
        w = self.w
        expected = (w.batch, w.q_heads, w.q_len, w.head_dim)
        if tuple(out.shape) != expected:
            return {"ok": False, "error": "output shape %s, expected %s" % (
                list(out.shape), list(expected))}
        all_finite = bool(torch.isfinite(out).all().item())
        rows_t = self.rows_t.to(out.device)
        got = out.index_select(2, rows_t).to(self.device).double()
        max_err = (got - self.ref).abs().max().item()
        bound, ok = tolerance(max_err, self.naive_err)
        return {"ok": ok and all_finite, "max_err": finite_or_text(max_err),
                "naive_err": self.naive_err, "bound": bound,
                "all_finite": all_finite, "rows": len(self.rows)}

    def synchronize(self):
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

    def free(self):
        self.sets = self.ref = self.naive = self.rows_t = None


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------


def calls_per_sample(estimate_ms, sample_ms=1.0, cap=100):
    """Back-to-back calls between one pair of events, so that a sample lasts
    about sample_ms: short kernels then run with the launch queue full and
    the events measure the device, not the launch latency."""
    return max(1, min(cap, int(math.ceil(sample_ms / max(estimate_ms, 1e-4)))))


def time_fn(fn, n_sets, warmup_ms=100.0, rep_ms=500.0, min_samples=10,
            max_samples=1000):
    """Times fn(i) (input set i % n_sets) with CUDA events: after one call
    for an estimate and ~warmup_ms of warm-up calls, samples of
    calls_per_sample() back-to-back calls between two events, ~rep_ms in
    all. Returns summarize() of the per-call time of each sample (ms)."""
    def event():
        return torch.cuda.Event(enable_timing=True)

    start, end = event(), event()
    fn(0)
    torch.cuda.synchronize()
    start.record()
    fn(0)
    end.record()
    torch.cuda.synchronize()
    estimate = max(start.elapsed_time(end), 1e-4)
    i = 1
    for _ in range(min(10000, max(2, int(warmup_ms / estimate)))):
        fn(i % n_sets)
        i += 1
    per = calls_per_sample(estimate)
    samples = min(max_samples,
                  max(min_samples, int(rep_ms / (estimate * per))))
    starts = [event() for _ in range(samples)]
    ends = [event() for _ in range(samples)]
    for j in range(samples):
        starts[j].record()
        for _ in range(per):
            fn(i % n_sets)
            i += 1
        ends[j].record()
    torch.cuda.synchronize()
    summary = summarize([s.elapsed_time(e) / per
                         for s, e in zip(starts, ends)])
    summary["calls_per_sample"] = per
    return summary


# ---------------------------------------------------------------------------
# The peers
# ---------------------------------------------------------------------------


class Unsupported(Exception):
    """The peer cannot express this case; the message says why."""


def _sdpa(case, peer):
    import torch.nn.functional as F
    from torch.nn.attention import SDPBackend, sdpa_kernel

    w = case.w
    if w.mask in ("window", "document"):
        raise Unsupported("SDPA has no %s mask (is_causal or a dense "
                          "attn_mask only)" % w.mask)
    kwargs = {"is_causal": w.mask == "causal"}
    if w.gqa:
        kwargs["enable_gqa"] = True
    backend = {"flash": SDPBackend.FLASH_ATTENTION,
               "cudnn": SDPBackend.CUDNN_ATTENTION}[peer]

    def fn(i):
        q, k, v, _ = case.sets[i]
        return F.scaled_dot_product_attention(q, k, v, **kwargs)

    return fn, lambda: sdpa_kernel(backend)


def flex_mask_mod(w, ids):
    """The mask_mod of a workload for FlexAttention, or None (no mask)."""
    from torch.nn.attention.flex_attention import and_masks

    def causal(b, h, q_idx, kv_idx):
        return q_idx >= kv_idx

    if w.mask == "none":
        return None
    if w.mask == "causal":
        return causal
    if w.mask == "window":
        width = w.window

        def in_window(b, h, q_idx, kv_idx):
            return q_idx - kv_idx < width

        return and_masks(causal, in_window)

    def same_document(b, h, q_idx, kv_idx):
        return (ids[b, q_idx] == ids[b, kv_idx]) & (ids[b, q_idx] >= 0)

    return and_masks(causal, same_document)


def _flex(case):
    import torch._dynamo
    from torch.nn.attention.flex_attention import (create_block_mask,
                                                   flex_attention)

    w = case.w
    torch._dynamo.reset()  # one fresh compile per workload, no stale cache
    compiled = torch.compile(flex_attention, dynamic=False)
    mask_mod = flex_mask_mod(w, case.sets[0][3])
    block_mask = None
    if mask_mod is not None:
        block_mask = create_block_mask(
            mask_mod, B=w.batch if w.mask == "document" else None, H=None,
            Q_LEN=w.q_len, KV_LEN=w.kv_len, device=str(case.device))
    kwargs = {"block_mask": block_mask}
    if w.gqa:
        kwargs["enable_gqa"] = True

    def fn(i):
        q, k, v, _ = case.sets[i]
        return compiled(q, k, v, **kwargs)

    return fn, contextlib.nullcontext


def run_peer(case, peer, warmup_ms=100.0, rep_ms=500.0):
    """Checks, then times one peer on `case`. Never raises for a peer's
    failure: returns result(...)."""
    w = case.w
    caught = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fn, context = _flex(case) if peer == "flex" else _sdpa(case, peer)
            with context():
                out = fn(0)
                case.synchronize()
                check = case.check(out)
                del out
                if not check["ok"]:
                    return result("failed_check", check=check,
                                  reason="max err %s > bound %.3g" % (
                                      check.get("max_err"),
                                      check.get("bound", float("nan")))
                                  if "error" not in check else check["error"])
                timing = time_fn(fn, len(case.sets), warmup_ms, rep_ms)
    except Unsupported as e:
        return result("n/a", reason=str(e))
    except Exception as e:  # a backend that refuses, compile errors, OOM
        notes = warning_lines(caught)
        error = "%s: %s" % (type(e).__name__, first_line(e))
        return result("n/a", reason=refusal_reason(error, notes),
                      error=error, detail=str(e)[:4000], warnings=notes[:8])
    finally:
        gc.collect()
        if case.device.type == "cuda":
            torch.cuda.empty_cache()
    ms = timing["median_ms"]
    return result("ok", ms=ms, tflops=tflops(w.flops(), ms),
                  tbps=tbps(w.min_bytes(), ms), check=check, timing=timing)


def run_peers(case, peers=PEERS, warmup_ms=100.0, rep_ms=500.0):
    return {p: run_peer(case, p, warmup_ms, rep_ms) for p in peers}


def describe_result(name, res):
    """One line for the log."""
    head = "  %-7s %-12s" % (name, res["status"])
    if res["status"] == "ok":
        c = res["check"]
        return head + "%8.1f TFLOP/s %9.4f ms  %6.3f TB/s  (err %.2e <= %.2e)" % (
            res["tflops"], res["ms"], res["tbps"], c["max_err"], c["bound"])
    return head + res.get("reason", "")


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def build_parser():
    p = argparse.ArgumentParser(
        description="Check and time the peers (SDPA flash, SDPA cuDNN, "
                    "FlexAttention) on benchmark workloads.")
    p.add_argument("names", nargs="*", help="workload names (see --list)")
    p.add_argument("--list", action="store_true", help="list the workloads")
    p.add_argument("--shape", help="a custom workload: B,Hq,Hkv,Sq,Sk,D")
    p.add_argument("--mask", default="none",
                   help="with --shape: none | causal | window:W | "
                        "document:MIN-MAX")
    p.add_argument("--peers", default="all",
                   help="comma list of %s, or all (default)" % ",".join(PEERS))
    p.add_argument("--seed", type=int, default=0,
                   help="added to each workload's own seed")
    p.add_argument("--warmup-ms", type=float, default=100.0)
    p.add_argument("--rep-ms", type=float, default=500.0)
    p.add_argument("--json", help="write the results here")
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.list:
        for w in wl.all_workloads():
            print("%-34s %-22s %s" % (w.name, w.shape_text(), w.mask_text()))
        return 0
    try:
        peers = parse_peers(args.peers)
        chosen = [wl.find(n) for n in args.names]
        if args.shape:
            chosen.append(custom_workload(args.shape, args.mask))
    except (KeyError, ValueError) as e:
        print("peers.py: %s" % e, file=sys.stderr)
        return 2
    if not chosen:
        print("peers.py: name a workload (--list) or give --shape",
              file=sys.stderr)
        return 2
    if torch is None or not torch.cuda.is_available():
        print("peers.py: needs PyTorch with a CUDA device", file=sys.stderr)
        return 2
    out = []
    for w in chosen:
        print("== %s: %s, %s" % (w.name, w.shape_text(), w.mask_text()),
              flush=True)
        case = Case(w, seed=w.seed + args.seed)
        results = run_peers(case, peers, args.warmup_ms, args.rep_ms)
        for name, res in results.items():
            print(describe_result(name, res), flush=True)
        out.append({"workload": w.describe(), "reference_rows": len(case.rows),
                    "naive_err": case.naive_err, "peers": results})
        case.free()
        del case
        gc.collect()
        torch.cuda.empty_cache()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
