"""MasterX Router shared package: code every service imports.

Nothing here imports a service package (services/*); services import from here.
The generated gRPC stubs live in the subpackage ``masterx.v1`` (do not edit).
"""
