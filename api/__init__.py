"""Interfaces around the assistant: the FastAPI service and the ``mttq`` CLI."""
