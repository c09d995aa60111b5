"""What machine a benchmark ran on: timings, CPU-seconds and even some int8 results move
with the CPU (onnxruntime and CTranslate2 pick their int8 kernels by its instruction set),
so every bench says which CPU gave its numbers."""

from __future__ import annotations

import os
import platform
from pathlib import Path

INT8_FLAGS = ("avx512_vnni", "avx_vnni", "amx_int8")  # one-instruction int8 dot products


def describe() -> dict:
    """CPU model, cores this process may use, the int8 instruction sets present, and the
    load average when the bench started (another job running makes timings worse)."""
    model, flags = platform.processor() or platform.machine(), set()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                model = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
                break
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"cpu": model, "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "int8_instructions": [f for f in INT8_FLAGS if f in flags], "load_average": load}


def line() -> str:
    m = describe()
    fast = ", ".join(m["int8_instructions"]) or "none (slower int8)"
    load = f"{m['load_average']:.1f}" if m["load_average"] is not None else "?"
    return f"machine: {m['cpu']}, {m['cores']} cores, int8 dot-product instructions: {fast}, load average {load}"
