"""Compiles every example spec to a kernel package for each chip with
attn-opt --attn-to-ptx, assembles its PTX with ptxas -v, and fails on any
error, any spill, or a package whose PTX size does not match its manifest.

Usage: assemble_examples.py ATTN_OPT PTXAS EXAMPLES_DIR OUT_DIR CHIP...
"""
import os
import re
import subprocess
import sys


def main():
    attn_opt, ptxas, examples, out = sys.argv[1:5]
    chips = sys.argv[5:]
    os.makedirs(out, exist_ok=True)
    failures = []
    count = 0
    for name in sorted(os.listdir(examples)):
        if not name.endswith(".mlir"):
            continue
        for chip in chips:
            stem = f"{name[:-5]}.{chip}"
            package = os.path.join(out, stem + ".attnpkg")
            run = subprocess.run(
                [attn_opt, os.path.join(examples, name),
                 f"--attn-to-ptx=chip={chip} package={package}",
                 "-o", os.devnull], capture_output=True, text=True)
            if run.returncode != 0:
                failures.append(f"{stem}: attn-opt failed: {run.stderr.strip()}")
                continue
            data = open(package, "rb").read()
            head, sep, rest = data.partition(b"\nptx ")
            size_line, _, ptx = rest.partition(b"\n")
            if not sep or int(size_line) != len(ptx):
                failures.append(f"{stem}: PTX size does not match the manifest")
                continue
            ptx_path = os.path.join(out, stem + ".ptx")
            open(ptx_path, "wb").write(ptx)
            arch = chip
            asm = subprocess.run(
                [ptxas, f"-arch={arch}", "-v", ptx_path, "-o", os.devnull],
                capture_output=True, text=True)
            if asm.returncode != 0:
                failures.append(f"{stem}: ptxas failed: {asm.stderr.strip()}")
                continue
            spills = [int(n) for n in re.findall(r"(\d+) bytes spill", asm.stderr)]
            if any(spills):
                failures.append(f"{stem}: spills ({asm.stderr.strip()})")
                continue
            count += 1
    for f in failures:
        print("FAIL", f)
    print(f"{count} kernels assembled without spills, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
