"""The floor: the load benchmark's hops with none of MasterX in them.

A bare ASGI app under uvicorn (``gateway``) makes one grpc.aio unary call to a bare router
(``router``) that posts the message to the simulator with aiohttp: the same processes, wire
formats and libraries as the real path, and no validation, detection, routing, breakers, stores,
metrics or logs. Its overhead over the baseline is what any gateway -> gRPC -> router design pays
on the machine; the real gateway's overhead minus it is what MasterX itself costs.
"""
