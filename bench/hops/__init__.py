"""What one hop costs on this machine: round trips between two processes, and one in-process step.

``python -m bench.hops`` (``make bench-hops``). The load benchmark's budgets are a few
milliseconds; this measures the pieces every request pays before MasterX does anything: a plain
TCP round trip, a grpc.aio unary call and a grpc.aio stream message between two processes, and
the category detector in process, each back to back and after pauses (sleeping, or busy in the
same process), so a user can see what their machine leaves for the product.
"""
