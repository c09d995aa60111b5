"""The analysis stage of listenwell."""
