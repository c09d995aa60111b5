"""listenwell: record, transcribe and review informational interviews, locally."""

__version__ = "0.1.0"
