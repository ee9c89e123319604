"""Imports every module that registers jobs, so the queue and the worker know them all."""

import taskflow.activity.jobs
import taskflow.attachments.jobs
import taskflow.auth.jobs
import taskflow.core.email
import taskflow.notifications.jobs
import taskflow.tasks.jobs
import taskflow.trash.jobs
import taskflow.webhooks.jobs  # noqa: F401
