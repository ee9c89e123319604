"""Tasks and what hangs off them: labels, subtasks, votes, comments."""
