"""The shape of the code: imports run one way, modules and functions stay small, the wheel
installs one package.

Core (listenwell/*.py) <- stages (listenwell.recorder, .transcribe, .analysis) <- the
command-line assembly (listenwell/cli.py, listenwell/prepare.py). A stage never imports
another stage: what two stages share belongs in the core.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

STAGES = {"recorder": "listenwell.recorder", "transcribe": "listenwell.transcribe",
          "analysis": "listenwell.analysis"}
ASSEMBLY = {"listenwell.cli", "listenwell.prepare", "listenwell.review", "listenwell.__main__"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def _product_files() -> dict[str, Path]:
    """Module name -> file, for every module of product code."""
    out = {}
    for folder, package in [("listenwell", "listenwell"), *STAGES.items()]:
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join([package, *parts])] = path
    return out


def _layer(module: str) -> str:
    for package in STAGES.values():
        if module == package or module.startswith(package + "."):
            return package
    return "assembly" if module in ASSEMBLY else "core"


def _imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            out |= {base} | {f"{base}.{a.name}" for a in node.names}
    return {m for m in out if m == "listenwell" or m.startswith("listenwell.")}


def test_imports_run_one_way():
    files = _product_files()
    wrong = []
    for module, path in files.items():
        layer = _layer(module)
        for target in _imports(module, path):
            if target not in files and target.rsplit(".", 1)[0] in files:
                target = target.rsplit(".", 1)[0]  # `from x import name`: the module is x
            to = _layer(target)
            if layer == "core" and to != "core":
                wrong.append(f"core {module} imports {target}")
            elif layer in STAGES.values() and to not in ("core", layer):
                wrong.append(f"stage {module} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_modules_and_functions_stay_small():
    too_long = []
    for path in _product_files().values():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(ROOT)}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}(): {n} lines")
    assert not too_long, "\n".join(too_long)


@pytest.mark.slow
def test_the_wheel_holds_one_package_and_no_test_helpers(tmp_path):
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                          "--wheel-dir", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    (wheel,) = tmp_path.glob("listenwell-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"listenwell", wheel.name.split("-py3")[0] + ".dist-info"}
    # the three models it ships: speaker segmentation and embedding, question encoder (~38 MB zipped)
    assert wheel.stat().st_size < 45e6, f"{wheel.stat().st_size / 1e6:.1f} MB"
    for name in ("listenwell/recorder/capture.py", "listenwell/transcribe/speakers/models/campplus-int8.onnx",
                 "listenwell/analysis/models/minilm-interviews.onnx",
                 "listenwell/analysis/report.py", "listenwell/transcribe/speakers/models/segmentation.onnx"):
        assert name in names
    assert not [n for n in names if "/tests/" in n or n.endswith(("campplus.onnx", "mapping_eval.py", "script.py"))]
