"""A seccomp filter that stops sandboxed code from starting processes (threads stay allowed).

``RLIMIT_NPROC`` is the usual limit, but the kernel does not apply it to processes whose real
uid is root on the host, which is what bubblewrap's sandbox runs as when the service itself
runs as root (a developer machine; the Kubernetes pods run as uid 10001, where the limit holds
too). So the sandbox also hands bubblewrap (``--seccomp FD``, see
:mod:`services.benchmark.isolation`) this classic-BPF program: ``fork`` and ``vfork`` fail
with EPERM, ``clone`` fails with EPERM unless it makes a thread (``CLONE_THREAD``), ``clone3``
answers ENOSYS (so the C library falls back to ``clone``, where the flags can be read), and
a system call of another ABI (x32, i386) kills the process.
"""

from __future__ import annotations

import platform
import struct
from dataclasses import dataclass

# linux/filter.h and linux/seccomp.h
_LD_ABS_W = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_JSET = 0x45  # BPF_JMP | BPF_JSET | BPF_K
_RET = 0x06  # BPF_RET | BPF_K
_ALLOW = 0x7FFF0000
_KILL_PROCESS = 0x80000000
_ERRNO = 0x00050000
_EPERM, _ENOSYS = 1, 38
_CLONE_THREAD = 0x00010000
_X32_SYSCALL_BIT = 0x40000000
# struct seccomp_data: nr at 0, arch at 4, args[0] (low 32 bits, little-endian) at 16.
_NR, _ARCH, _ARG0 = 0, 4, 16


_Instruction = tuple[int, str | None, str | None, int]


@dataclass(frozen=True)
class _Abi:
    arch: int  # AUDIT_ARCH_*
    clone: int
    clone3: int
    forks: tuple[int, ...]  # fork, vfork where the ABI has them


_ABIS = {
    "x86_64": _Abi(0xC000003E, clone=56, clone3=435, forks=(57, 58)),
    "aarch64": _Abi(0xC00000B7, clone=220, clone3=435, forks=()),
}


def no_new_processes() -> bytes | None:
    """The filter for this machine's ABI, as bubblewrap reads it; None on another ABI."""
    abi = _ABIS.get(platform.machine())
    if abi is None:
        return None
    deny, enosys = _ERRNO | _EPERM, _ERRNO | _ENOSYS
    # An instruction is (code, jump-if-true label, jump-if-false label, k), None = the next
    # one; a bare string marks where a label points.
    program: list[_Instruction | str] = [
        (_LD_ABS_W, None, None, _ARCH),
        (_JEQ, "native", "kill", abi.arch),
        "native",
        (_LD_ABS_W, None, None, _NR),
        (_JGE, "kill", None, _X32_SYSCALL_BIT),
        (_JEQ, "enosys", None, abi.clone3),
        *[(_JEQ, "deny", None, nr) for nr in abi.forks],
        (_JEQ, "clone", "allow", abi.clone),
        "clone",
        (_LD_ABS_W, None, None, _ARG0),
        (_JSET, "allow", "deny", _CLONE_THREAD),
        "allow",
        (_RET, None, None, _ALLOW),
        "deny",
        (_RET, None, None, deny),
        "enosys",
        (_RET, None, None, enosys),
        "kill",
        (_RET, None, None, _KILL_PROCESS),
    ]
    return _assemble(program)


def _assemble(program: list[_Instruction | str]) -> bytes:
    labels: dict[str, int] = {}
    instructions: list[_Instruction] = []
    for entry in program:
        if isinstance(entry, str):
            labels[entry] = len(instructions)
        else:
            instructions.append(entry)
    out = bytearray()
    for index, (code, if_true, if_false, k) in enumerate(instructions):
        jt = labels[if_true] - index - 1 if if_true else 0
        jf = labels[if_false] - index - 1 if if_false else 0
        out += struct.pack("=HBBI", code, jt, jf, k)
    return bytes(out)
