"""The grader's side of a sandbox: one child per student, one forked worker per exercise.

:class:`GradingSession` starts the sandbox; :meth:`GradingSession.function` gives a
:class:`RemoteFunction` for one exercise — an object the checks engine can "call" through
:meth:`RemoteFunction.call_student` (the engine's ``caller``), which sends the inputs to the
worker, answers the worker's calls of reference functions with the grader's own
implementations, and turns the reply (plain data) back into a :class:`~dnn_lab.checks.student_call.Call`.

Whatever the worker does — hang past the limit while ignoring the alarm, exit, crash, send
garbage — comes back as a ``Call`` that the engine reports (timeout or a bilingual
``crashed`` reason), and the next exercise gets a fresh worker (a fresh sandbox if needed).
"""
import dataclasses
import select
import time

from ..checks.student_call import Call
from . import wire
from .sandbox import Limits, Sandbox

GRACE = 2.0   # seconds past the child's own alarm before the grader kills the worker
STARTUP_TIMEOUT = 60.0   # a loaded machine may take long to import numpy; no student code runs before "ready"


class SandboxError(RuntimeError):
    """The sandbox itself could not start: an error of the grading machine, reported as such."""


class WorkerGone(Exception):
    """The worker ended or broke the protocol; ``status`` is its exit status when known."""

    def __init__(self, reason, status=None):
        super().__init__(reason)
        self.reason, self.status = reason, status


class Deadline(Exception):
    """The worker did not answer in time (not an OSError, unlike TimeoutError)."""


def _recv(sock, deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise Deadline()
    ready, _, _ = select.select([sock], [], [], left)
    if not ready:
        raise Deadline()
    return wire.recv(sock)


def crash_reason(status):
    """A reason id (message catalog ``grading.reason.*``) for a worker's exit status."""
    if status is None:
        return "protocol"
    if status == -9:
        return "killed"
    if status in (-11, -7, -4, -8, -6):
        return "crashed"
    return "exited"


class RemoteFunction:
    """The student's function living in a worker; the checks engine treats it as ``fn``."""

    def __init__(self, session, exercise, load_message):
        self.session, self.exercise, self._load_message = session, exercise, load_message
        self.loaded = None
        self.gone = None              # (reason, status) once the worker died
        self.__name__ = exercise
        self.dnn_lab_globals_read = []
        self._start()

    # -- worker life ---------------------------------------------------------------
    def _start(self):
        self.loaded, self.gone = None, None
        try:
            sock = self.session.fork()
            wire.send(sock, self._load_message)
            reply = self._serve(time.monotonic() + self.session.load_timeout)
        except WorkerGone as exc:
            self.gone = (exc.reason, exc.status)
            return
        except Deadline:
            self.session.reset()
            self.gone = ("load_timeout", None)
            return
        if reply.get("op") != "loaded":
            self.session.reset()
            self.gone = ("protocol", None)
            return
        self.loaded = reply
        self.__name__ = str(reply.get("name") or self.exercise)
        self.dnn_lab_globals_read = [str(n) for n in reply.get("globals_read", [])][:20]

    @property
    def defined(self):
        return bool(self.loaded and self.loaded.get("callable"))

    @property
    def load_errors(self):
        return list(self.loaded.get("errors", [])) if self.loaded else []

    def _serve(self, deadline, expect=("loaded", "result")):
        """Answer the worker's reference calls until it sends one of ``expect``."""
        sock = self.session.sandbox.sock
        while True:
            try:
                message = _recv(sock, deadline)
            except (EOFError, OSError):
                self.session.reset()
                raise WorkerGone("exited") from None
            except wire.WireError:
                self.session.reset()
                raise WorkerGone("protocol") from None
            op = message.get("op")
            if op in expect:
                return message
            if op == "exited":
                raise WorkerGone(crash_reason(message.get("status")), message.get("status"))
            if op == "proxy":
                self._answer_reference(sock, message)
                continue
            self.session.reset()
            raise WorkerGone("protocol")

    def _answer_reference(self, sock, message):
        name = message.get("name")
        fn = self.session.references.get(name) if name in self._load_message.get("proxies", ()) else None
        try:
            if fn is None:
                raise NameError(f"name {name!r} is not defined")
            args = wire.decode(message.get("args", {"~": "tuple", "v": []}))
            kwargs = wire.decode(message.get("kwargs", {"~": "dict", "v": []}))
            if not isinstance(args, tuple) or not isinstance(kwargs, dict):
                raise TypeError("bad arguments")
            value = fn(*args, **{str(k): v for k, v in kwargs.items()})
            wire.send(sock, {"op": "proxy_result", "value": wire.encode(value)})
        except Exception as exc:  # noqa: BLE001 - the reference's error on the student's inputs is data
            wire.send(sock, {"op": "proxy_error", "type": type(exc).__name__, "message": str(exc)[:300]})

    def finish(self):
        if self.gone is None and self.loaded is not None:
            try:
                wire.send(self.session.sandbox.sock, {"op": "done"})
                self._serve(time.monotonic() + 5, expect=("exited",))
            except WorkerGone:
                pass
            except (Deadline, OSError):
                self.session.reset()
        self.gone = self.gone or ("finished", None)

    # -- the engine's caller --------------------------------------------------------
    def call_student(self, fn, args, arg_names, *, timeout=10.0, spy=()):
        if self.gone is not None:
            self._start()
        if self.gone is not None:
            return self._gone_call()
        started = time.monotonic()
        try:
            wire.send(self.session.sandbox.sock, {"op": "call", "args": wire.encode(tuple(args)),
                                                  "arg_names": list(arg_names), "timeout": timeout,
                                                  "spy": list(spy)})
            reply = self._serve(started + timeout + GRACE, expect=("result",))
        except Deadline:
            # The worker ignored its own alarm (a swallowed interrupt): kill the sandbox.
            self.session.reset()
            self.gone = ("timeout", None)
            return Call(timed_out=True, seconds=time.monotonic() - started)
        except WorkerGone as exc:
            self.gone = (exc.reason, exc.status)
            return self._gone_call(time.monotonic() - started)
        except OSError:
            self.session.reset()
            self.gone = ("exited", None)
            return self._gone_call(time.monotonic() - started)
        try:
            call = _decode_call(reply.get("call", {}))
        except (wire.WireError, TypeError, ValueError):
            self.finish()
            self.gone = ("protocol", None)
            return self._gone_call()
        if call.timed_out:
            self.finish()   # a worker interrupted mid-call may hold a half-read message: start afresh
        return call

    def _gone_call(self, seconds=0.0):
        reason, status = self.gone
        if reason == "timeout":
            return Call(timed_out=True, seconds=seconds)
        return Call(error={"type": "SandboxExit", "message": reason, "line": "?", "code": "",
                           "reason": reason, "status": status}, seconds=seconds)

    def __call__(self, *args):
        """Callable, so that the engine treats it as the student's function (it calls through ``caller``)."""
        call = self.call_student(self, args, (), timeout=self.session.limits_timeout)
        if call.error:
            raise RuntimeError(call.error.get("message"))
        return call.value

_CALL_FIELDS = {f.name for f in dataclasses.fields(Call)}


def _decode_call(data):
    if not isinstance(data, dict):
        raise wire.WireError("call")
    values = {k: wire.decode(v) for k, v in data.items() if k in _CALL_FIELDS}
    call = Call(**values)
    if not isinstance(call.printed, str):
        call.printed = ""
    if not isinstance(call.mutated, list):
        call.mutated = []
    if not isinstance(call.spied, dict):
        call.spied = {}
    if call.error is not None and not isinstance(call.error, dict):
        call.error = {"type": "Error", "message": str(call.error)[:200], "line": "?", "code": ""}
    return call


class GradingSession:
    """One sandbox for one student's notebook."""

    def __init__(self, references=None, limits=Limits(), hide=(), prefer_bwrap=True, timeout=10.0):
        self.references = dict(references or {})
        self.limits, self.hide, self.prefer_bwrap = limits, tuple(hide), prefer_bwrap
        self.limits_timeout = timeout
        self.load_timeout = max(timeout, 5.0)
        self.sandbox = None
        self.level = None
        self.restarts = 0

    def _ensure(self):
        if self.sandbox is None:
            from . import warm_sandbox   # dnn-lab autograde's workers: forked from a warm template
            sandbox = warm_sandbox.start(self.limits, hide=self.hide, prefer_bwrap=self.prefer_bwrap) or \
                Sandbox(self.limits, hide=self.hide, prefer_bwrap=self.prefer_bwrap)
            try:   # before any student code: a child that cannot start is the grader's fault, not the student's
                hello = _recv(sandbox.sock, time.monotonic() + STARTUP_TIMEOUT)
            except (Deadline, EOFError, OSError, wire.WireError):
                hello = None
            if not hello or hello.get("op") != "ready":
                status = sandbox.proc.poll()
                sandbox.close()
                raise SandboxError(f"the grading sandbox ({sandbox.level}) did not start (exit status {status})")
            self.sandbox = sandbox
            self.level = sandbox.level

    def fork(self):
        self._ensure()
        try:
            wire.send(self.sandbox.sock, {"op": "fork"})
        except OSError:
            self.reset()
            self._ensure()
            wire.send(self.sandbox.sock, {"op": "fork"})
        return self.sandbox.sock

    def reset(self):
        """Throw the sandbox away (a worker that hangs, or a broken protocol); the next fork starts anew."""
        if self.sandbox is not None:
            self.sandbox.close()
            self.sandbox = None
            self.restarts += 1

    def function(self, exercise, cells, names, proxies=(), application=False, notebook_names=()):
        message = {"op": "load", "cells": cells, "names": list(names), "exercise": exercise,
                   "proxies": [p for p in proxies if p in self.references], "application": bool(application),
                   "notebook_names": sorted(notebook_names)}
        return RemoteFunction(self, exercise, message)

    def close(self):
        self.reset()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
