# -*- Python -*-
# lit configuration of the tfm test suite. Run it on the build tree
# (build/test), whose lit.site.cfg.py points back here.

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "TFM"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "Inputs", "README.md",
                   "lib"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tfm_obj_root, "test")

# Debian's torch runs against /usr/bin/python3; a pyenv python on PATH would
# shadow it.
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%e2e", config.python_executable + " " +
                             os.path.join(config.tfm_src_root, "test", "E2E",
                                          "lib", "e2e.py")))
config.substitutions.append(("%models", " ".join([
    config.python_executable,
    os.path.join(config.tfm_src_root, "test", "Models", "lib", "models.py"),
    "--tfmc", os.path.join(config.tfm_tools_dir, "tfmc")])))
config.substitutions.append(("%hf_models", " ".join([
    config.python_executable,
    os.path.join(config.tfm_src_root, "test", "Models", "lib", "hf_models.py"),
    "--tfmc", os.path.join(config.tfm_tools_dir, "tfmc")])))
config.substitutions.append(("%hf_encoders", " ".join([
    config.python_executable,
    os.path.join(config.tfm_src_root, "test", "Models", "lib",
                 "hf_encoders.py"),
    "--tfmc", os.path.join(config.tfm_tools_dir, "tfmc")])))
config.substitutions.append(("%attention_maps", " ".join([
    config.python_executable,
    os.path.join(config.tfm_src_root, "test", "Models", "lib",
                 "attention_maps.py"),
    "--tfmc", os.path.join(config.tfm_tools_dir, "tfmc")])))
config.substitutions.append(("%tfm_src_root", config.tfm_src_root))
# The clang++ of the LLVM tfmc was built with, for tests of --linker.
config.substitutions.append(("%clangxx",
                             os.path.join(config.llvm_tools_dir, "clang++")))
config.substitutions.append(("%cc", config.tfm_c_compiler))
# The driver tfmc links with when --linker is not given (the sanitizing
# wrapper in a sanitized build), for wrappers that tests put in between.
config.substitutions.append(("%default_linker", config.tfm_default_linker))
config.substitutions.append(("%tfm_obj_root", config.tfm_obj_root))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.tfm_tools_dir, append_path=True)
# torch reads these; OPENBLAS_CORETYPE keeps OpenBLAS on kernels that work here.
llvm_config.with_system_environment(["HOME", "OPENBLAS_CORETYPE", "TMPDIR"])
# lit runs several executables at once, each with OpenMP threads for every
# core: threads that wait at a barrier must sleep, not spin against the
# other tests' threads.
llvm_config.with_environment("OMP_WAIT_POLICY", "passive")
# A sanitized build (TFM_SANITIZE, scripts/sanitize.sh): its tfmc links with
# a driver that adds -fsanitize=address,undefined (see CMakeLists.txt), as
# the runtime the executables link is instrumented. (lit forwards
# ASAN_OPTIONS and UBSAN_OPTIONS itself.)
sanitized = bool(getattr(config, "tfm_sanitize_link_dir", ""))
if sanitized:
    # For tests of what only `ulimit -v` can cap (ASan's cap is malloc's).
    config.available_features.add("sanitized")
# A shell prefix that caps what one process can allocate at 512 MiB. ASan
# reserves terabytes of address space for its shadow, so under it the cap
# is ASan's own: allocations above it return null, with a warning on
# stderr (not in the reports, which would fail sanitize.sh; UBSan's
# log_path, read last, wins over ASan's).
config.substitutions.append(("%limit_memory_512m", (
    'export ASAN_OPTIONS="$ASAN_OPTIONS:allocator_may_return_null=1:'
    'max_allocation_size_mb=512:log_path=stderr"; '
    'export UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=stderr";' if sanitized
    else "ulimit -v 524288;")))

tool_dirs = [config.tfm_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["tfm-opt", "tfmc"], tool_dirs)
