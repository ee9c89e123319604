"""Tasks and what hangs off them: labels, subtasks, votes, comments.

Importing the package wires what tasks does when projects change (`projects.service.
when_member_leaves`) and the history's snapshot before each commit, so no process that has
the tasks tables can miss them.
"""

import taskflow.tasks.history
import taskflow.tasks.service  # noqa: F401  (registers its project hooks)
