"""The activity log: who changed what, written with the change, published after commit."""
