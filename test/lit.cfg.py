# lit configuration of the attn test suites.
import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "attn"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.attn_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in",
                   "unit", "Inputs", "FakeCuda"]

config.substitutions.append(("%attn_src_root", config.attn_src_root))
config.substitutions.append(("%examples", os.path.join(config.attn_src_root,
                                                       "examples")))
config.substitutions.append(("%fakecuda", os.path.join(
    config.attn_obj_root, "lib", "libattn-fake-cuda.so")))
config.substitutions.append(("%python", shutil.which("python3") or "python3"))

# GPU tests run only where a CUDA device answers.
if shutil.which("nvidia-smi") and os.system("nvidia-smi -L >/dev/null 2>&1") == 0:
    config.available_features.add("cuda")

# ptxas from the CUDA toolkit assembles the generated PTX (no GPU needed).
ptxas = shutil.which("ptxas") or next(
    (p for p in ["/usr/local/cuda/bin/ptxas"] +
     sorted(__import__("glob").glob("/usr/local/cuda-*/bin/ptxas"))
     if os.path.exists(p)), None)
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))

llvm_config.with_system_environment(["HOME", "TMPDIR"])
# `not`, `count` and `split-file` come from the LLVM tools; a RUN line may
# start with `not`, which use_default_substitutions only rewrites after a pipe.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.use_default_substitutions()
tool_dirs = [config.attn_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(
    ["attn-jit-example", "attn-launch", "attn-opt", "attn-run",
     "attn-unittests"], tool_dirs)
