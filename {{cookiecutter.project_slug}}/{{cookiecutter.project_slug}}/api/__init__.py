"""The HTTP API's framework-neutral parts: its error shape, numbered pages, and JSON bodies.

Each framework's adapter (rooms/api*.py) routes, parses and authenticates, then calls these.
"""
