"""Imports every module that registers jobs, so the queue and the worker know them all."""

import taskflow.activity.jobs
import taskflow.auth.jobs
import taskflow.core.email
import taskflow.notifications.jobs  # noqa: F401
