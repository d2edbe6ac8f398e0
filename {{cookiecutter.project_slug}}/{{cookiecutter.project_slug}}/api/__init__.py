"""The HTTP API's project-wide parts.

errors.py (the error shape), pages.py (numbered pages) and parsing.py (JSON bodies) belong to no
framework; the other modules here are the chosen framework's application. Each app's routes
(rooms/api*.py) call into them.
"""
