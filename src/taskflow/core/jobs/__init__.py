"""Background jobs: SAQ on Redis when configured (run by `taskflow worker`), in-process otherwise.

A job is an async function `(context, **kwargs)` registered with `job(...)`; the app enqueues
it by name with keyword arguments that are plain JSON. Every job retries with exponential
backoff; one that gives up is logged with its arguments minus secrets.
"""
