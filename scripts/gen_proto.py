"""Generate the Python gRPC stubs from proto/ into the generated package masterx/v1.

Usage: python scripts/gen_proto.py [--out DIR]   (DIR defaults to the repository root)

The stubs are committed; tests/unit/test_generated_stubs.py fails when they differ
from what this script produces.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "proto"
GENERATED_PACKAGE = Path("masterx") / "v1"
INIT_TEXT = '"""Generated gRPC stubs for masterx.v1. Do not edit: run `make proto`."""\n'


def proto_files() -> list[Path]:
    return sorted((PROTO_ROOT / GENERATED_PACKAGE).glob("*.proto"))


def generate(out_root: Path) -> None:
    target = out_root / GENERATED_PACKAGE
    target.mkdir(parents=True, exist_ok=True)
    for stale in target.glob("*_pb2*.py*"):
        stale.unlink()
    include = str(Path(protoc.__file__).parent / "_proto")
    files = [str(p.relative_to(PROTO_ROOT)) for p in proto_files()]
    status = protoc.main(
        [
            "grpc_tools.protoc",
            f"-I{PROTO_ROOT}",
            f"-I{include}",
            f"--python_out={out_root}",
            f"--pyi_out={out_root}",
            f"--grpc_python_out={out_root}",
            *files,
        ]
    )
    if status != 0:
        raise SystemExit(f"protoc failed with status {status}")
    (target / "__init__.py").write_text(INIT_TEXT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    generate(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
