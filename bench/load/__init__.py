"""Load benchmark: an open-loop generator against the gateway and, as baseline, the simulator."""
