"""Real time: the WebSocket endpoint and the hub that fans events out to connections."""
