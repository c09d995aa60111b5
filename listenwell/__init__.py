"""listenwell: record, transcribe and review informational interviews, locally."""

import os

__version__ = "0.1.0"

# Nothing leaves this machine and nothing is written outside the interview folder and the
# config folder. onnxruntime's official Linux wheels ship telemetry (1DS) that, on the first
# session, writes a device id and a queue of events under ~/.cache/Microsoft/; only this
# variable, read when onnxruntime initialises, stops all of it
# (onnxruntime.disable_telemetry_events() comes too late for the first event). It is set on
# import of listenwell, before any stage can load onnxruntime (faster-whisper's VAD, the
# speaker models); worker processes inherit it. tests/test_privacy.py proves it.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"  # huggingface_hub, used only to fetch named models
