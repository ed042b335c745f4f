"""A chat's shapes and their gRPC conversion, shared by the gateway and the router."""
