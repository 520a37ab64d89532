#!/usr/bin/env python3
"""Runs the GPU benchmark: every workload (or those --only selects) through
the peers (peers.py) and through our kernels (attn-launch), and prints one
table: each peer's TFLOP/s, ours, and ours / best peer.

Our kernels: with --packages DIR, a workload runs the kernel package
DIR/<package>.attnpkg (the name depends on the mask kind and head dim only:
dense-d128-causal, dense-d64, gqa-d128-causal, window1024-d128,
document-d128, decode-d128) through the runtime-only CLI

  attn-launch PKG --inputs q.npy,k.npy,v.npy[,qs.npy,ks.npy]
                  --outputs o.npy[,...] --repeat 50 --warmup 5

on the same inputs the peers used (float32 .npy, which round back to the
same bf16 values; segment ids int32), reads `median time: X ms over N runs`
from its output and checks o.npy against the same fp64 reference rows with
the same rule before its time is reported.

The table goes to stdout, and with --markdown / --json to files, which are
rewritten after every workload (a run cut short keeps what it finished).

Usage (on the GPU machine, from the repository root):
  python3 bench/gpu/run_bench.py --list
  python3 bench/gpu/run_bench.py --only 'd128-s(4096|16384)' \\
      --packages out/pkgs --markdown out/bench.md --json out/bench.json
"""

import argparse
import datetime
import gc
import json
import os
import platform
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import workloads as wl  # noqa: E402

# Pure helpers of peers.py (it imports torch only if it is there).
from peers import (PEERS, PEER_TITLES, finite_or_text, first_line,  # noqa: E402
                   parse_peers, result, tbps, tflops)

DEFAULT_LAUNCH = "build-rt/bin/attn-launch"

# ---------------------------------------------------------------------------
# attn-launch: its output, its command line, the package manifest
# ---------------------------------------------------------------------------

_MEDIAN = re.compile(
    r"median time:\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*ms\s+over\s+"
    r"([0-9]+)\s+runs?\s*\(([^)]*)\)")


def parse_launch_output(text):
    """The last `median time: X ms over N runs (DEVICE)` line of attn-launch's
    output as {"ms", "runs", "device"}, or None."""
    found = _MEDIAN.findall(text)
    if not found:
        return None
    ms, runs, device = found[-1]
    return {"ms": float(ms), "runs": int(runs), "device": device.strip()}


def launch_command(launcher, package, inputs, outputs, repeat, warmup):
    return [launcher, package, "--inputs", ",".join(inputs),
            "--outputs", ",".join(outputs), "--repeat", str(repeat),
            "--warmup", str(warmup)]


class ManifestError(Exception):
    pass


def parse_manifest(text):
    """The manifest of a kernel package (docs/kernel-package.md): the lines
    before `ptx N`. Returns {"version", "target", "entry", "syms",
    "inputs", "outputs"}; inputs and outputs are lists of
    {"name", "dtype", "dims"} (each dim an int or a symbol name)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "attn-kernel-package 1":
        raise ManifestError("not an attn kernel package of version 1 "
                            "(first line %r)" % first_line(lines[0] if lines
                                                           else "", 60))
    out = {"version": 1, "target": None, "entry": None, "syms": [],
           "inputs": [], "outputs": []}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        key, *rest = line.split()
        if key == "ptx":
            return out
        if key in ("input", "output"):
            if len(rest) < 2:
                raise ManifestError("line %d: %s needs NAME DTYPE DIM..." %
                                    (number, key))
            dims = [int(d) if re.fullmatch(r"[0-9]+", d) else d
                    for d in rest[2:]]
            out[key + "s"].append({"name": rest[0], "dtype": rest[1],
                                   "dims": dims})
        elif key == "sym" and rest:
            out["syms"].append(rest[0])
        elif key in ("target", "entry") and rest:
            out[key] = rest[0]
    raise ManifestError("no `ptx` line: the manifest does not end")


def read_manifest(path, limit=1 << 20):
    with open(path, "rb") as f:
        head = f.read(limit)
    return parse_manifest(head.decode("latin-1"))


def expected_inputs(w):
    """(file stem, shape) of each input attn-launch gets for workload w, in
    the package's argument order: q, k, v, then the query and key segment
    ids of document masks."""
    out = [("q", [w.batch, w.q_heads, w.q_len, w.head_dim]),
           ("k", [w.batch, w.kv_heads, w.kv_len, w.head_dim]),
           ("v", [w.batch, w.kv_heads, w.kv_len, w.head_dim])]
    if w.mask == "document":
        out += [("qs", w.doc_operand_shape()), ("ks", w.doc_operand_shape())]
    return out


def match_manifest(manifest, w):
    """None when the package takes the workload's inputs and writes an
    output of its shape first; else a sentence saying what does not fit."""
    want = expected_inputs(w)
    got = manifest["inputs"]
    if len(got) != len(want):
        return "package takes %d inputs, workload gives %d (%s)" % (
            len(got), len(want), ",".join(s for s, _ in want))
    binding = {}

    def fits(dims, shape, what):
        if len(dims) != len(shape):
            return "%s has rank %d in the package, %d here" % (
                what, len(dims), len(shape))
        for i, (d, n) in enumerate(zip(dims, shape)):
            if isinstance(d, int):
                if d != n:
                    return "%s dim %d is %d in the package, %d here" % (
                        what, i, d, n)
            elif binding.setdefault(d, n) != n:
                return "%s dim %d: %s is %d elsewhere, %d here" % (
                    what, i, d, binding[d], n)
        return None

    for (stem, shape), spec in zip(want, got):
        problem = fits(spec["dims"], shape, "input %s (%s)" % (
            spec["name"], stem))
        if problem:
            return problem
    if not manifest["outputs"]:
        return "package has no output"
    o = manifest["outputs"][0]
    dims = [binding.get(d, d) if isinstance(d, str) else d for d in o["dims"]]
    shape = [w.batch, w.q_heads, w.q_len, w.head_dim]
    if dims != shape:
        return "output %s is %s, expected %s" % (o["name"], dims, shape)
    return None


def output_paths(manifest, directory):
    """o.npy for the first output, NAME.npy for the others."""
    paths = []
    for i, o in enumerate(manifest["outputs"]):
        stem = "o" if i == 0 else re.sub(r"[^A-Za-z0-9_]", "_", o["name"])
        if i and stem == "o":
            stem = "o%d" % i
        paths.append(os.path.join(directory, stem + ".npy"))
    return paths


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------


def cell(res, reason_width=40):
    """One table cell: TFLOP/s, n/a (reason), FAILED CHECK, ERROR (reason),
    or '-' when nothing ran."""
    if res is None:
        return "-"
    status = res["status"]
    if status == "ok":
        return "%.1f" % res["tflops"]
    if status == "failed_check":
        return "FAILED CHECK"
    reason = first_line(res.get("reason", ""), reason_width)
    word = "n/a" if status == "n/a" else "ERROR"
    return "%s (%s)" % (word, reason) if reason else word


def best_peer(record, peers):
    """(name, tflops) of the fastest peer that passed its check, or None."""
    best = None
    for p in peers:
        res = record["peers"].get(p)
        if res and res["status"] == "ok":
            if best is None or res["tflops"] > best[1]:
                best = (p, res["tflops"])
    return best


def ratio_cell(record, peers):
    ours = record.get("ours")
    best = best_peer(record, peers)
    if not ours or ours["status"] != "ok" or best is None:
        return "-"
    return "%.2fx (%s)" % (ours["tflops"] / best[1], best[0])


def table_rows(records, peers, with_ours=True, reason_width=40):
    header = ["workload"] + [PEER_TITLES[p] for p in peers]
    if with_ours:
        header += ["attn", "attn / best peer"]
    rows = [header]
    for r in records:
        row = [r["workload"]["name"]]
        row += [cell(r["peers"].get(p), reason_width) for p in peers]
        if with_ours:
            row += [cell(r.get("ours"), reason_width), ratio_cell(r, peers)]
        rows.append(row)
    return rows


def format_text(records, peers, with_ours=True):
    """An aligned plain-text table (TFLOP/s)."""
    rows = table_rows(records, peers, with_ours)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [c.rjust(widths[i]) for i, c in enumerate(row) if i]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * wd for wd in widths))
    return "\n".join(lines)


def _md(text):
    return text.replace("|", "\\|")


def markdown_table(rows):
    out = ["| " + " | ".join(_md(c) for c in rows[0]) + " |",
           "|" + "|".join("---" for _ in rows[0]) + "|"]
    out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows[1:]]
    return "\n".join(out)


def format_markdown(records, peers, meta, with_ours=True):
    """The report: run facts, the TFLOP/s table, the bandwidth of the
    memory-bound rows, and the full reasons behind every n/a and error."""
    lines = ["# attn GPU benchmark", ""]
    for key, label in (("date", "Date"), ("device", "Device"),
                       ("torch", "PyTorch"), ("triton", "Triton"),
                       ("cuda", "CUDA (PyTorch's)"), ("cudnn", "cuDNN"),
                       ("git", "Commit"), ("command", "Command")):
        if meta.get(key) is not None:
            lines.append("- %s: %s" % (label, meta[key]))
    lines += [
        "- Figures: TFLOP/s = 4 x B x Hq x (visible (q, k) pairs) x D / "
        "median time; bf16 inputs [B, H, S, D].",
        "- Every figure passed max|out - ref| <= 2 max|naive - ref| + 1e-5 "
        "against an fp64 reference before it was timed.", ""]
    rows = table_rows(records, peers, with_ours, reason_width=60)
    rows[0].insert(1, "shape")
    rows[0].insert(2, "mask")
    for r, rec in zip(rows[1:], records):
        w = rec["workload"]
        r.insert(1, shape_of(w))
        r.insert(2, mask_of(w))
    lines += [markdown_table(rows), ""]
    memory = [r for r in records if r["workload"]["group"] == "decode"]
    if memory:
        lines += ["## Memory-bound rows: TB/s of the fewest bytes moved", "",
                  "Q, K, V read once and O written once, over the median "
                  "time.", ""]
        head = ["workload"] + [PEER_TITLES[p] for p in peers]
        if with_ours:
            head.append("attn")
        body = [head]
        for rec in memory:
            row = [rec["workload"]["name"]]
            found = [rec["peers"].get(p) for p in peers]
            if with_ours:
                found.append(rec.get("ours"))
            row += ["%.2f" % x["tbps"] if x and x["status"] == "ok"
                    else cell(x) for x in found]
            body.append(row)
        lines += [markdown_table(body), ""]
    notes = []
    for rec in records:
        results = [(PEER_TITLES[p], rec["peers"].get(p)) for p in peers]
        results.append(("attn", rec.get("ours")))
        for title, res in results:
            if res and res["status"] != "ok" and res.get("reason"):
                notes.append("- %s, %s: %s %s" % (
                    rec["workload"]["name"], title, res["status"],
                    res["reason"]))
    if notes:
        lines += ["## Why a cell is not a figure", ""] + notes + [""]
    return "\n".join(lines)


def shape_of(w):
    heads = (str(w["q_heads"]) if w["q_heads"] == w["kv_heads"]
             else "%d/%d" % (w["q_heads"], w["kv_heads"]))
    seq = (str(w["q_len"]) if w["q_len"] == w["kv_len"]
           else "%d/%d" % (w["q_len"], w["kv_len"]))
    return "B%d H%s S%s D%d" % (w["batch"], heads, seq, w["head_dim"])


def mask_of(w):
    if w["mask"] == "window":
        return "causal, window %d" % w["window"]
    if w["mask"] == "document":
        return "documents %d-%d, causal%s" % (
            w["doc_min"], w["doc_max"],
            ", as offsets" if w.get("doc_format") == "offsets" else "")
    return w["mask"]


def json_ready(obj):
    """Replaces NaN and infinities (which JSON lacks) with strings."""
    if isinstance(obj, dict):
        return {k: json_ready(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_ready(v) for v in obj]
    return finite_or_text(obj)


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


# ---------------------------------------------------------------------------
# Running (torch and numpy from here on)
# ---------------------------------------------------------------------------


def run_ours(case, args):
    """Our kernel on `case` through attn-launch: result(...) or None when no
    --packages was given."""
    if not args.packages:
        return None
    import numpy as np
    import torch

    w = case.w
    package = os.path.join(args.packages, w.package_name + ".attnpkg")
    if not os.path.isfile(package):
        return result("n/a", reason="no package %s.attnpkg" % w.package_name)
    try:
        manifest = read_manifest(package)
    except (OSError, ManifestError) as e:
        return result("error", reason="package %s: %s" % (
            os.path.basename(package), e))
    problem = match_manifest(manifest, w)
    if problem:
        return result("n/a", reason=problem)
    if not os.path.isfile(args.attn_launch):
        return result("error", reason="no attn-launch at %s" %
                      args.attn_launch)
    q, k, v, ids = case.sets[0]
    with tempfile.TemporaryDirectory(prefix="attn-bench-",
                                     dir=args.tmpdir) as tmp:
        inputs = []
        docs = ids
        if w.mask == "document" and w.doc_format == "offsets":
            docs = np.array(w.document_starts(), dtype=np.int32)
        for (stem, _), tensor in zip(expected_inputs(w),
                                     (q, k, v, docs, docs)):
            path = os.path.join(tmp, stem + ".npy")
            if stem in ("qs", "ks"):
                array = np.asarray(tensor.cpu() if hasattr(tensor, "cpu")
                                   else tensor).astype(np.int32)
            else:  # bf16 -> float32 is exact; attn-launch rounds back
                array = tensor.cpu().float().numpy()
            np.save(path, array)
            del array
            inputs.append(path)
        outputs = output_paths(manifest, tmp)
        command = launch_command(args.attn_launch, package, inputs, outputs,
                                 args.repeat, args.warmup)
        if case.device.type == "cuda":
            torch.cuda.empty_cache()  # leave the device to attn-launch
        try:
            proc = subprocess.run(command, capture_output=True, text=True,
                                  timeout=args.launch_timeout)
        except subprocess.TimeoutExpired:
            return result("error", reason="attn-launch ran over %d s" %
                          args.launch_timeout)
        except OSError as e:
            return result("error", reason="cannot run attn-launch: %s" % e)
        log = {"command": command, "rc": proc.returncode,
               "stdout": proc.stdout[-4000:], "stderr": proc.stderr[-4000:]}
        if proc.returncode != 0:
            said = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
            return result("error", reason="attn-launch exit %d: %s" % (
                proc.returncode, said[-1] if said else "no output"), log=log)
        timing = parse_launch_output(proc.stdout)
        if timing is None:
            return result("error", reason="no 'median time' line in "
                          "attn-launch's output", log=log)
        if not os.path.isfile(outputs[0]):
            return result("error", reason="attn-launch wrote no %s" %
                          os.path.basename(outputs[0]), log=log)
        out = torch.from_numpy(np.load(outputs[0]))
        check = case.check(out)
        del out
    if not check["ok"]:
        return result("failed_check", check=check, timing=timing, log=log,
                      reason=check.get("error") or "max err %s > bound %.3g"
                      % (check["max_err"], check["bound"]))
    ms = timing["ms"]
    return result("ok", ms=ms, tflops=tflops(w.flops(), ms),
                  tbps=tbps(w.min_bytes(), ms), check=check, timing=timing,
                  log=log)


def source_id(packages):
    """What names the code under test: the `source.txt` that
    scripts/gpu-prepare.sh writes beside the packages (the commit of the tree
    that built them, `-dirty` when it had uncommitted changes), else the
    commit of this checkout (which, on a machine that received a copy of a
    working tree, may be older than the tree)."""
    if packages:
        path = os.path.join(os.path.dirname(os.path.abspath(packages)),
                            "source.txt")
        try:
            with open(path) as f:
                text = f.read().strip()
            if text:
                return text
        except OSError:
            pass
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE,
            capture_output=True, text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def collect_meta(argv, packages=None):
    import torch
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"),
        "device": torch.cuda.get_device_name(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version(),
        "python": platform.python_version(),
        "command": " ".join(["run_bench.py"] + list(argv)),
    }
    try:
        import triton
        meta["triton"] = triton.__version__
    except ImportError:
        meta["triton"] = None
    meta["git"] = source_id(packages)
    return meta


def build_parser():
    p = argparse.ArgumentParser(
        description="Benchmark attn's kernels against SDPA (flash, cuDNN) "
                    "and FlexAttention on the workload grid.")
    p.add_argument("--only", action="append", default=[], metavar="REGEX",
                   help="run the workloads whose name matches (re.search); "
                        "repeatable; default: all")
    p.add_argument("--list", action="store_true",
                   help="list the selected workloads and exit")
    p.add_argument("--packages", metavar="DIR",
                   help="directory of kernel packages <name>.attnpkg")
    p.add_argument("--attn-launch", default=DEFAULT_LAUNCH, metavar="PATH",
                   help="the attn-launch binary (default %(default)s)")
    p.add_argument("--repeat", type=int, default=50,
                   help="attn-launch --repeat (default %(default)s)")
    p.add_argument("--warmup", type=int, default=5,
                   help="attn-launch --warmup (default %(default)s)")
    p.add_argument("--launch-timeout", type=int, default=600,
                   help="seconds before attn-launch is stopped")
    p.add_argument("--peers", default="all",
                   help="comma list of %s, all (default) or none" %
                        ",".join(PEERS))
    p.add_argument("--seed", type=int, default=0,
                   help="added to each workload's own seed")
    p.add_argument("--warmup-ms", type=float, default=100.0,
                   help="peers' warm-up time per workload (ms)")
    p.add_argument("--rep-ms", type=float, default=500.0,
                   help="peers' timed time per workload (ms)")
    p.add_argument("--tmpdir", help="where attn-launch's .npy files go")
    p.add_argument("--markdown", metavar="PATH", help="write the table here")
    p.add_argument("--json", metavar="PATH", help="write raw numbers here")
    p.add_argument("--merge", nargs="+", metavar="JSON",
                   help="combine the --json files of earlier runs into one "
                        "table (and --markdown / --json); needs no GPU")
    return p


def merge(paths):
    """(records, peers, meta, with_ours) of several --json files; a
    workload in several files keeps its last record. The meta is the
    first file's, with every file's date and command listed."""
    by_name = {}
    metas = []
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        metas.append(data.get("meta", {}))
        for rec in data.get("records", []):
            by_name[rec["workload"]["name"]] = rec
    order = {w.name: i for i, w in enumerate(wl.all_workloads())}
    records = sorted(by_name.values(), key=lambda r: (
        order.get(r["workload"]["name"], len(order)), r["workload"]["name"]))
    present = [p for p in PEERS if any(p in r["peers"] for r in records)]
    meta = dict(metas[0]) if metas else {}
    if len(metas) > 1:
        meta["date"] = ", ".join(str(m.get("date")) for m in metas)
        meta["command"] = "; ".join(str(m.get("command")) for m in metas)
        devices = sorted(set(str(m.get("device")) for m in metas))
        meta["device"] = ", ".join(devices)
    with_ours = any(r.get("ours") is not None for r in records)
    return records, present, meta, with_ours


def list_workloads(selected, packages=None):
    lines = []
    for w in selected:
        pkg = w.package_name + ".attnpkg"
        if packages:
            pkg += "" if os.path.isfile(os.path.join(packages, pkg)) \
                else " (missing)"
        lines.append("%-30s %-24s %-34s %8.1f GFLOP  %s" % (
            w.name, w.shape_text(), w.mask_text(), w.flops() / 1e9, pkg))
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    try:
        peers = parse_peers(args.peers)
        selected = wl.select(wl.all_workloads(), args.only)
    except (ValueError, re.error) as e:
        print("run_bench.py: %s" % e, file=sys.stderr)
        return 2
    if not selected:
        print("run_bench.py: no workload matches --only %s" % args.only,
              file=sys.stderr)
        return 2
    if args.list:
        print(list_workloads(selected, args.packages))
        return 0
    if args.merge:
        try:
            records, present, meta, with_ours = merge(args.merge)
        except (OSError, ValueError, KeyError) as e:
            print("run_bench.py: --merge: %s" % e, file=sys.stderr)
            return 2
        if args.json:
            write_atomically(args.json, json.dumps(
                json_ready({"meta": meta, "records": records}), indent=1))
        if args.markdown:
            write_atomically(args.markdown, format_markdown(
                records, present, meta, with_ours))
        print(format_text(records, present, with_ours))
        return 0
    try:
        import numpy  # noqa: F401
        import torch
    except ImportError as e:
        print("run_bench.py: needs PyTorch and NumPy (%s)" % e,
              file=sys.stderr)
        return 2
    if not torch.cuda.is_available():
        print("run_bench.py: no CUDA device", file=sys.stderr)
        return 2
    import peers as P

    meta = collect_meta(argv, args.packages)
    print("%s | torch %s | triton %s | CUDA %s | cuDNN %s" % (
        meta["device"], meta["torch"], meta["triton"], meta["cuda"],
        meta["cudnn"]), flush=True)
    with_ours = bool(args.packages)
    records = []
    for w in selected:
        print("== %s: %s, %s, %.1f GFLOP" % (
            w.name, w.shape_text(), w.mask_text(), w.flops() / 1e9),
            flush=True)
        record = {"workload": w.describe(), "peers": {}, "ours": None}
        case = None
        try:
            case = P.Case(w, seed=w.seed + args.seed)
            record["reference_rows"] = len(case.rows)
            record["naive_err"] = case.naive_err
            record["input_sets"] = len(case.sets)
            record["peers"] = P.run_peers(case, peers, args.warmup_ms,
                                          args.rep_ms)
            record["ours"] = run_ours(case, args)
        except Exception as e:  # inputs or reference did not fit, say
            reason = "%s: %s" % (type(e).__name__, first_line(e))
            record["error"] = reason
            for p in peers:
                record["peers"].setdefault(p, result("error", reason=reason))
            if with_ours and record["ours"] is None:
                record["ours"] = result("error", reason=reason)
        finally:
            if case is not None:
                case.free()
            del case
            gc.collect()
            torch.cuda.empty_cache()
        for name, res in list(record["peers"].items()) + [
                ("attn", record["ours"])]:
            if res is not None:
                print(P.describe_result(name, res), flush=True)
        records.append(record)
        if args.json:
            write_atomically(args.json, json.dumps(
                json_ready({"meta": meta, "records": records}), indent=1))
        if args.markdown:
            write_atomically(args.markdown, format_markdown(
                records, peers, meta, with_ours))
    print()
    print("TFLOP/s (4 x B x Hq x visible pairs x D / median time)")
    print(format_text(records, peers, with_ours))
    return 0


if __name__ == "__main__":
    sys.exit(main())
