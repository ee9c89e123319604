"""Export a user's projects as one versioned JSON document, and import such a document."""
