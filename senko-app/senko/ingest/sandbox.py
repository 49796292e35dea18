"""Each résumé PDF is read in a child process with its own memory and time limits (PDF bombs).

``extract_bounded(data, limits)`` forks: the child lowers its address-space limit to what it holds
plus ``memory_mb`` and its CPU limit to ``seconds`` + 1, runs ``extract.extract_text`` and sends the
result back through a pipe as JSON. The parent waits at most ``seconds``, then kills it. Out of
memory is ``too_large``, out of time ``timeout``; the worker itself only ever holds the result.

Why a plain fork: the forking process has pdfminer loaded, so a child costs a few milliseconds,
where a fresh interpreter importing pdfminer costs about 0.25 s, more than reading a résumé.
(Celery's pool processes are daemonic, which rules out multiprocessing's children, not
``os.fork``.) A fork costs in proportion to the forking process's memory, so the worker forks
from a small reader process of its own (``readers``). The child
never returns into its caller: it freezes the objects it inherited (the garbage collector never
finalises the parent's connections there), touches none of them and leaves with ``os._exit``.
"""
import gc
import json
import logging
import os
import resource
import select
import signal
import time
from dataclasses import asdict, dataclass

from .extract import MAX_DECODED_BYTES, MIN_TEXT_PT, Extraction, ExtractionFailed, extract_text

log = logging.getLogger(__name__)
MAX_RESULT_BYTES = 16 * 1024 * 1024
OUT_OF_MEMORY = 3  # the child's exit status after a MemoryError


@dataclass(frozen=True)
class Limits:
    """What one PDF may take: pages, smallest visible text, decompressed bytes, memory (MB), seconds."""

    max_pages: int = 20
    min_text_pt: float = MIN_TEXT_PT
    max_decoded_bytes: int = MAX_DECODED_BYTES
    memory_mb: int = 512
    seconds: float = 30.0


def extract_bounded(data: bytes, limits: Limits) -> Extraction:
    """``extract_text`` of ``data`` in a child of this process held to ``limits``; raises ExtractionFailed like it.

    The worker reads résumés through ``readers.read_pdf`` (the same child, forked from a smaller process).
    """
    return outcome(*read_in_child(data, limits), limits)


def read_in_child(data: bytes, limits: Limits) -> tuple[bytes | None, int]:
    """Fork a child that reads ``data``: ``(its answer, or None when it ran out of time; its wait status)``."""
    read_end, write_end = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child; it never returns
        os.close(read_end)
        _child(write_end, data, limits)
    os.close(write_end)
    payload = None
    try:  # whatever happens here (a time limit of the task too), the child does not outlive this call
        payload = _read(read_end, started + limits.seconds)
    finally:
        os.close(read_end)
        _, status, usage = _reap(pid, kill=payload is None)
    log.debug("pdf child %d: %.3f s, peak rss %d MB, status %s", pid, time.monotonic() - started,
              usage.ru_maxrss // 1024, status)
    return payload, status


def _reap(pid: int, kill: bool):
    """Wait for the child, killing it first when ``kill`` or when it has not ended within a second."""
    for _ in range(0 if kill else 1000):
        waited = os.wait4(pid, os.WNOHANG)
        if waited[0]:
            return waited
        time.sleep(0.001)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:  # already gone
        pass
    return os.wait4(pid, 0)


def _read(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes until it closes the pipe, or None when the deadline passes first."""
    chunks, size = [], 0
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    while (left := deadline - time.monotonic()) > 0:
        if not poller.poll(left * 1000):
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_RESULT_BYTES:
            raise ExtractionFailed("too_large", "The PDF's text is far longer than any résumé")
    return None


def outcome(payload: bytes | None, status: int, limits: Limits) -> Extraction:
    """The child's answer as an Extraction, or the ExtractionFailed its end calls for."""
    if payload:
        answer = json.loads(payload)
        if "failed" in answer:
            raise ExtractionFailed(answer["failed"], answer["detail"])
        if "error" in answer:
            raise RuntimeError(f"reading the PDF failed in the child process: {answer['error']}")
        return Extraction(**answer["extraction"])
    signalled = os.WIFSIGNALED(status) and os.WTERMSIG(status)
    if payload is None or signalled == signal.SIGXCPU:
        raise ExtractionFailed("timeout", f"Reading the PDF took longer than {limits.seconds:g} s")
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == OUT_OF_MEMORY or signalled == signal.SIGKILL:
        raise ExtractionFailed("too_large", f"Reading the PDF needed more than {limits.memory_mb} MB of memory; "
                                            "a résumé needs far less (a PDF bomb?)")
    raise ExtractionFailed("unparseable", f"The PDF reader crashed (status {status})")


def _limit_resources(limits: Limits) -> None:
    """Cap this (child) process's address space at what it holds plus ``memory_mb``, and its CPU time."""
    if limits.memory_mb > 0:
        with open("/proc/self/statm") as statm:
            held = int(statm.read().split()[0]) * resource.getpagesize()
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = held + limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    seconds = int(limits.seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (seconds if hard == resource.RLIM_INFINITY else min(seconds, hard), hard))


def _child(fd: int, data: bytes, limits: Limits) -> None:
    """Read the PDF and write the answer to ``fd``; never returns."""
    status = 0
    try:
        gc.freeze()
        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM):
            signal.signal(number, signal.SIG_DFL)
        _limit_resources(limits)
        try:
            extraction = extract_text(data, limits.max_pages, limits.min_text_pt, limits.max_decoded_bytes)
            answer = {"extraction": asdict(extraction)}
        except ExtractionFailed as exc:
            answer = {"failed": exc.reason, "detail": exc.detail}
        except MemoryError:
            raise
        except Exception as exc:  # a bug (pdfminer raised what no broken file should): tell the parent
            answer = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        payload = json.dumps(answer).encode()  # ASCII: any string pdfminer made (lone surrogates too) travels
        while payload:
            payload = payload[os.write(fd, payload):]
    except MemoryError:
        status = OUT_OF_MEMORY
    except BaseException:
        status = 1
    finally:
        os._exit(status)
