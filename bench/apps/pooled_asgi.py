"""(e) A prototype, not part of the product: the project's own config.asgi application, with each
HTTP request's thread-sensitive work sent to a reused single-thread executor.

Django's ASGIHandler enters `ThreadSensitiveContext()` per request: asgiref then starts a new
thread for the request's first sync call (Django's request_started/request_finished receivers,
every sync middleware hook) and, on exit, another thread to join it. Two thread starts per request
dominate a profile of a small async view. An outer context with a caller-owned executor
(asgiref >= 3.10's `ThreadSensitiveContext(executor=...)`) takes precedence, so Django's inner one
does nothing; the executors are kept in a LIFO free list, one per in-flight request (the same
peak thread count as Django's, with no thread churn). Each request still runs its sync code on
a thread no other in-flight request uses.
"""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext

from config.asgi import application as project_application

_idle: list[ThreadPoolExecutor] = []


async def application(scope, receive, send):
    if scope["type"] != "http":
        await project_application(scope, receive, send)
        return
    executor = _idle.pop() if _idle else ThreadPoolExecutor(max_workers=1)
    try:
        async with ThreadSensitiveContext(executor=executor):
            await project_application(scope, receive, send)
    finally:
        _idle.append(executor)
