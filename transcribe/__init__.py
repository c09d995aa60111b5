"""The transcribe stage of listenwell."""
