"""Generated gRPC stubs for masterx.v1. Do not edit: run `make proto`."""
