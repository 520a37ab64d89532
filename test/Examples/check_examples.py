#!/usr/bin/env python3
"""Checks every spec under examples/: it parses, verifies and round-trips.

For each examples/*.mlir, in name order:
  * `attn-opt FILE` exits 0 (parse + verify) and prints the module;
  * that output, fed back through `attn-opt`, exits 0 and prints the same
    text again (the printed form is a fixed point);
  * the file starts with a header comment whose `Run:` line names
    `attn-opt --attn-tile-report` and the file itself, and it defines a
    func.func holding an attn.attention.
With --attrs-td, also checks that the examples cover every mask kind keyword
listed in the description of Attn_MaskAttr (except `all`, including the
keyword variants `causal(bottom_right)` and `document(offsets)`) and every
score modifier listed in the description of Attn_ScoreAttr.

Prints one line per file ("ok NAME" or "FAIL NAME: why") and exits non-zero,
naming the failing files, when anything fails.

Usage: check_examples.py ATTN_OPT EXAMPLES_DIR [--attrs-td AttnAttrs.td]
"""

import argparse
import os
import re
import subprocess
import sys

TIMEOUT_S = 120


def run(cmd, stdin_text=None):
    """Runs cmd; returns (returncode, stdout, stderr); a timeout is rc None."""
    try:
        p = subprocess.run(cmd, input=stdin_text, capture_output=True,
                           text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, "", "timed out after %d s" % TIMEOUT_S
    return p.returncode, p.stdout, p.stderr


def first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return "(no output)"


def describe_rc(rc):
    if rc is None:
        return "timed out"
    if rc < 0:
        return "was killed by signal %d" % -rc
    return "exited %d" % rc


def check_file(attn_opt, path):
    """Returns a list of problems with one example (empty when it is fine)."""
    name = os.path.basename(path)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    problems = []

    # Header: a comment block first, with a Run: line for this file.
    if not text.startswith("//"):
        problems.append("does not start with a header comment")
    header = []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        header.append(line)
    run_lines = [l for l in header if "Run:" in l]
    if not any("attn-opt --attn-tile-report" in l and
               ("examples/" + name) in l for l in run_lines):
        problems.append("header has no 'Run: attn-opt --attn-tile-report"
                        " ... examples/%s' line" % name)
    if not re.search(r"^func\.func @\w+", text, re.M):
        problems.append("defines no func.func")
    if "attn.attention" not in text:
        problems.append("holds no attn.attention")

    # Parse + verify.
    rc, out1, err = run([attn_opt, path])
    if rc != 0:
        problems.append("attn-opt %s: %s" % (describe_rc(rc), first_line(err)))
        return problems
    # Round-trip: the printed form parses again and prints identically.
    rc, out2, err = run([attn_opt, "-"], out1)
    if rc != 0:
        problems.append("round-trip: attn-opt on the printed form %s: %s" %
                        (describe_rc(rc), first_line(err)))
        return problems
    if out1 != out2:
        problems.append("round-trip: printing the printed form changes it")
    return problems


def description_of(td_text, def_name):
    """The text of `let description = [{ ... }]` in `def def_name`."""
    start = td_text.find("def " + def_name)
    if start < 0:
        raise SystemExit("error: no 'def %s' in the .td file" % def_name)
    m = re.compile(r"let description = \[\{(.*?)\}\];", re.S).search(
        td_text, start)
    if not m:
        raise SystemExit("error: %s has no description" % def_name)
    return m.group(1)


def listed_keywords(description):
    """Keywords and keyword variants named in backquotes in a description.

    `window(l[, r][, bottom_right])` gives `window`. A kind listed both bare
    and with one word argument, as `causal` and `causal(bottom_right)`, also
    gives that spelling as a variant to cover.
    """
    body = description.split("```")[0]  # the prose, not the example
    spans = re.findall(r"`([^`]+)`", body)
    keywords, variants = set(), set()
    for span in spans:
        m = re.match(r"([a-z_]+)", span)
        if not m:
            continue  # operators: `&`, `|`, `!`
        keywords.add(m.group(1))
        if re.fullmatch(r"[a-z_]+\([a-z_]+\)", span) and m.group(1) in spans:
            variants.add(span)
    return keywords, variants


def attribute_bodies(text, mnemonic):
    """The bodies of every #attn.MNEMONIC<...> in text, whitespace removed."""
    return ["".join(b.split())
            for b in re.findall(r"#attn\." + mnemonic + r"<([^>]*)>", text)]


def check_coverage(example_texts, td_path):
    with open(td_path, encoding="utf-8") as f:
        td = f.read()
    problems = []
    for def_name, mnemonic, what, ignored, use_variants in (
            ("Attn_MaskAttr", "mask", "mask kind", {"all"}, True),
            ("Attn_ScoreAttr", "score", "score modifier", set(), False)):
        keywords, variants = listed_keywords(description_of(td, def_name))
        keywords -= ignored
        if not use_variants:
            variants = set()  # `alibi(max_bias)` is a parameter, not a kind
        if not keywords:
            problems.append("found no %s keywords in %s" % (what, td_path))
        bodies = {name: attribute_bodies(text, mnemonic)
                  for name, text in example_texts.items()}
        covered = []
        for kw in sorted(keywords):
            users = sorted(n for n, bs in bodies.items()
                           if any(re.search(r"(?<![a-z_])" + kw + r"(?![a-z_])",
                                            b) for b in bs))
            if users:
                covered.append(kw)
            else:
                problems.append("no example uses the %s '%s'" % (what, kw))
        for var in sorted(variants):
            if any(var in b for bs in bodies.values() for b in bs):
                covered.append(var)
            else:
                problems.append("no example uses the %s '%s'" % (what, var))
        print("%ss covered: %s" % (what, " ".join(sorted(covered))))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("attn_opt")
    ap.add_argument("examples_dir")
    ap.add_argument("--attrs-td",
                    help="AttnAttrs.td: also check keyword coverage")
    args = ap.parse_args()

    files = sorted(f for f in os.listdir(args.examples_dir)
                   if f.endswith(".mlir"))
    if not files:
        print("FAIL: no .mlir files in %s" % args.examples_dir)
        return 1
    print("checking %d examples in %s" % (len(files), args.examples_dir))
    failed = []
    texts = {}
    for name in files:
        path = os.path.join(args.examples_dir, name)
        with open(path, encoding="utf-8") as f:
            texts[name] = f.read()
        problems = check_file(args.attn_opt, path)
        if problems:
            failed.append(name)
            for p in problems:
                print("FAIL %s: %s" % (name, p))
        else:
            print("ok %s" % name)
        sys.stdout.flush()

    coverage_problems = []
    if args.attrs_td:
        coverage_problems = check_coverage(texts, args.attrs_td)
        for p in coverage_problems:
            print("FAIL coverage: %s" % p)

    if failed or coverage_problems:
        if failed:
            print("error: %d of %d examples failed: %s" %
                  (len(failed), len(files), ", ".join(failed)))
        if coverage_problems:
            print("error: %d coverage problems" % len(coverage_problems))
        return 1
    print("all %d examples ok" % len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
