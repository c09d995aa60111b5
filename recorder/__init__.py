"""The recorder stage of listenwell."""
