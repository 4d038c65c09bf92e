"""Ctrl-C while numba compiles: held until the machine code is ready, then raised.

numba calls back into Python from LLVM through ctypes; a KeyboardInterrupt raised inside
such a callback is printed as "Exception ignored on calling ctypes callback function" and
lost. The scripts below run in their own interpreter, with Python's default SIGINT handler.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

CALLBACK_WITH_CTRL_C = """
import ctypes, os, signal
from periodization.core.jit import _ctrl_c_held

# Python's own handler, as an interactive shell gives it: a parent that ignores SIGINT
# (pytest-xdist's workers, nohup) passes SIG_IGN on to the interpreter it starts
signal.signal(signal.SIGINT, signal.default_int_handler)

@ctypes.CFUNCTYPE(None)
def callback():  # stands for numba's object-cache hooks, called from C
    os.kill(os.getpid(), signal.SIGINT)
    for _ in range(1000):  # bytecodes during which Python runs the signal handler
        pass

def compile_like_numba():
    ctypes.pythonapi.PyObject_CallNoArgs.argtypes = [ctypes.py_object]
    ctypes.pythonapi.PyObject_CallNoArgs(callback)
    print("compiled")
"""


def _run(body: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(CALLBACK_WITH_CTRL_C + body)],
                          capture_output=True, text=True, timeout=60)


def test_a_ctrl_c_inside_a_callback_is_held_and_then_raised():
    result = _run("""
try:
    with _ctrl_c_held():
        compile_like_numba()
except KeyboardInterrupt:
    print("interrupted")
""")
    assert result.stdout.split() == ["compiled", "interrupted"], result
    assert result.stderr == ""


def test_without_holding_it_the_ctrl_c_is_lost():
    """The failure the hold prevents (if this starts passing, Python changed)."""
    result = _run("""
try:
    compile_like_numba()
except KeyboardInterrupt:
    print("interrupted")
""")
    assert "Exception ignored" in result.stderr
    assert "interrupted" not in result.stdout


def test_a_block_without_ctrl_c_runs_as_it_is():
    result = _run("""
import signal
with _ctrl_c_held():
    print("ran")
print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
""")
    assert result.stdout.split() == ["ran", "True"], result


def test_off_the_main_thread_nothing_is_changed():
    result = _run("""
import signal, threading
seen = []
def worker():
    with _ctrl_c_held():
        seen.append(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
thread = threading.Thread(target=worker)
thread.start(); thread.join()
print(seen)
""")
    assert result.stdout.strip() == "[True]", result


def test_kernels_compile_before_their_first_call_under_the_hold(monkeypatch):
    from periodization.core import jit

    entered = []
    real = jit._ctrl_c_held

    def spy():
        entered.append(True)
        return real()

    monkeypatch.setattr(jit, "_ctrl_c_held", spy)

    @jit.njit
    def add_one(x):
        return x + 1

    assert add_one(1) == 2 and add_one(2) == 3
    assert entered == [True]  # once: the first call's types are compiled, the rest reuse
