"""Failure drills (issue 9): outages injected under steady load, and what the client saw."""
