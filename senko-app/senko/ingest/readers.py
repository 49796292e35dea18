"""The PDF reader process: a small process that forks the sandboxed reader of each résumé.

Forking costs time in proportion to the forking process's memory (measured here: ~0.1 ms per MB,
35 ms for a worker holding the app and Janome's dictionary, a quarter of reading a two-page
résumé). So each worker process starts one reader process (``python -m senko.ingest.readers``)
that loads only the PDF reader (~35 MB: ``senko``'s package init, the app, is skipped) and forks
the reader of each PDF from there, with the limits of ``sandbox`` (memory, CPU, wall time).

``read_pdf(data, limits)`` sends the PDF over a pipe and gets the child's answer and exit status
back; it raises what ``sandbox.extract_bounded`` raises. If the reader process fails (it died, it
did not answer in time, the task's own time limit interrupted the wait), it is killed with its
child and the PDF is read by a child of the worker itself (``sandbox.extract_bounded``); the next
PDF starts a new reader process. One reader process per worker process, started on first use and
gone when that process goes (its stdin closes). Not for concurrent use from several threads.
"""
import json
import logging
import os
import select
import signal
import subprocess
import sys
import time

from .extract import Extraction, ExtractionFailed
from .sandbox import Limits, extract_bounded, outcome, read_in_child

log = logging.getLogger(__name__)
GRACE_SECONDS = 10.0  # how much longer than the PDF's own limit the reader process may take to answer
_process: tuple[int, subprocess.Popen] | None = None  # (the pid that started it, the reader process)
# The reader process: ``senko`` as a bare namespace (its __init__ would import the whole app, ~140 MB
# that every fork would then copy), then only ``senko.ingest``'s reader modules.
BOOTSTRAP = """
import importlib.util, sys, types
package = types.ModuleType("senko")
package.__path__ = list(importlib.util.find_spec("senko").submodule_search_locations)
sys.modules["senko"] = package
from senko.ingest.readers import main
main()
"""


def read_pdf(data: bytes, limits: Limits) -> Extraction:
    """``extract_text`` of ``data`` in a sandboxed child of the reader process; raises ExtractionFailed like it."""
    try:
        reader = _reader()
        payload, status = _ask(reader, data, limits)
    except ExtractionFailed:
        raise
    except (OSError, ValueError, TimeoutError) as exc:
        stop()
        log.warning("PDF reader process failed (%s); reading this PDF from the worker itself", exc)
        return extract_bounded(data, limits)
    except BaseException:  # the task's time limit, a shutdown: the reader is mid-answer, so it goes
        stop()
        raise
    return outcome(payload, status, limits)


def stop() -> None:
    """Kill this process's reader process and its child, if any."""
    global _process
    if _process is None:
        return
    _, reader = _process
    _process = None
    try:
        os.killpg(reader.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    reader.wait()


def _reader() -> subprocess.Popen:
    global _process
    if _process is not None and (_process[0] != os.getpid() or _process[1].poll() is not None):
        if _process[0] == os.getpid():
            _process[1].wait()
        _process = None  # inherited across a fork (the parent's), or it died: start our own
    if _process is None:
        reader = subprocess.Popen([sys.executable, "-c", BOOTSTRAP], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, start_new_session=True, close_fds=True)
        _process = (os.getpid(), reader)
    return _process[1]


def _ask(reader: subprocess.Popen, data: bytes, limits: Limits) -> tuple[bytes | None, int]:
    header = {"size": len(data), "limits": limits.__dict__}
    _write(reader.stdin.fileno(), json.dumps(header).encode() + b"\n" + data)
    deadline = time.monotonic() + limits.seconds + GRACE_SECONDS
    answer = json.loads(_read_line(reader.stdout.fileno(), deadline))
    payload = _read_exactly(reader.stdout.fileno(), answer["size"], deadline) if answer["size"] >= 0 else None
    return payload, answer["status"]


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _wait_readable(fd: int, deadline: float) -> None:
    left = deadline - time.monotonic()
    if left <= 0 or not select.select([fd], [], [], left)[0]:
        raise TimeoutError("the PDF reader process did not answer in time")


def _read_line(fd: int, deadline: float) -> bytes:
    line = b""
    while not line.endswith(b"\n"):
        _wait_readable(fd, deadline)
        byte = os.read(fd, 1)
        if not byte:
            raise OSError("the PDF reader process ended")
        line += byte
    return line


def _read_exactly(fd: int, size: int, deadline: float) -> bytes:
    chunks, left = [], size
    while left:
        _wait_readable(fd, deadline)
        chunk = os.read(fd, min(left, 1 << 16))
        if not chunk:
            raise OSError("the PDF reader process ended")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def serve(requests, answers) -> None:
    """The reader process's loop: for each request on ``requests``, fork a sandboxed reader and answer.

    A request is a JSON line (``size``, ``limits``) and the PDF's bytes; an answer is a JSON line
    (``status``: the child's wait status, ``size``: the length of its answer, -1 when it ran out of
    time) and that answer. Ends when ``requests`` closes: the worker process that started it is gone.
    """
    while header := requests.readline():
        request = json.loads(header)
        data = requests.read(request["size"])
        payload, status = read_in_child(data, Limits(**request["limits"]))
        answers.write(json.dumps({"status": status, "size": -1 if payload is None else len(payload)}).encode() + b"\n")
        answers.write(payload or b"")
        answers.flush()


def main() -> None:
    """Run as the reader process (``BOOTSTRAP``): serve requests on stdin until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C meant for the worker; the worker stops us itself
    serve(sys.stdin.buffer, sys.stdout.buffer)
