"""ASGI applications that wrap Django's, for config/asgi.py: none of this is a Django app."""
