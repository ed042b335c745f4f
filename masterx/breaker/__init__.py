"""Circuit-breaker semantics shared by the health service (Redis) and the router (fallback)."""
