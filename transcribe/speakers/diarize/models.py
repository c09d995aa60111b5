"""The bundled ONNX models and their onnxruntime sessions (loaded once per process)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    import onnxruntime

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"

SEGMENTATION = "segmentation.onnx"  # pyannote segmentation-3.0 (MIT), see models/NOTICE
EMBEDDING = "campplus-int8.onnx"  # CAM++ speaker embedding (Apache-2.0), int8, see models/NOTICE
EMBEDDING_FLOAT = "campplus.onnx"  # the same in float32 (what the int8 one is made from)


@lru_cache(maxsize=4)
def session(name: str, threads: int = 1, arena: bool = False) -> onnxruntime.InferenceSession:
    """An onnxruntime session for a bundled model; one thread keeps CPU-seconds low and
    leaves the other cores to speech recognition. `arena` keeps onnxruntime's memory pool
    between runs (~10 % less CPU for inputs of one fixed size, such as 10 s windows)."""
    import onnxruntime as ort

    from listenwell.errors import UserError

    path = MODELS_DIR / name
    if not path.is_file():
        raise UserError(f"speaker model {path} is missing; reinstall listenwell")
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    opts.enable_cpu_mem_arena = arena  # off: memory goes back after each batch (inputs of many sizes)
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


F = TypeVar("F", bound=Callable)


def one_blas_thread(func: F) -> F:
    """Run `func` with numpy's BLAS on one thread. The speaker stage's matrices are small
    (fbank frames x mel banks, embeddings x centroids): on two cores OpenBLAS's second
    worker mostly spins waiting, measured at ~20 % of the stage's CPU time."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return func(*args, **kwargs)

    return cast(F, wrapper)
