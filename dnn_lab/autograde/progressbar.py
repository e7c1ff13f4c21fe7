"""Progress of a grading run: a one-line bar on a terminal, one plain line per student otherwise.

Texts come from the message catalog (``autograde.*`` ids); this module only lays them out.
"""
import sys
import time

from ..messages import t_short


def clock(seconds):
    """12.3 -> '0:12', 3725 -> '1:02:05'."""
    seconds = int(round(max(seconds, 0)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """``Progress(total, lang, stream)``; call :meth:`student` after each student, :meth:`close` at the end."""

    width = 24

    def __init__(self, total, lang, stream=None, tty=None):
        self.total, self.lang = total, lang
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty() if tty is None else tty
        self.done = self.failed = 0
        self.started = time.monotonic()
        self._drawn = False

    def elapsed(self):
        return time.monotonic() - self.started

    def eta(self):
        if not self.done:
            return None
        return self.elapsed() / self.done * (self.total - self.done)

    def student(self, student, ok, seconds, score=None, max_score=None, log=None):
        self.done += 1
        self.failed += not ok
        if ok:
            line = t_short("autograde.line.graded", self.lang, done=self.done, total=self.total, student=student,
                           score=_num(score), max_score=_num(max_score), seconds=f"{seconds:.1f}")
        else:
            line = t_short("autograde.line.failed", self.lang, done=self.done, total=self.total, student=student,
                           seconds=f"{seconds:.1f}", log=log or "-")
        if self.tty:
            if not ok:  # failures stay on screen above the bar
                self._write("\r\033[K" + line + "\n")
            self.draw()
        else:
            self._write(line + "\n")

    def note(self, line):
        """A line about the run (not a student), kept above the bar."""
        self._write(("\r\033[K" if self.tty and self._drawn else "") + line + "\n")
        self.draw()

    def draw(self):
        if not self.tty:
            return
        filled = int(self.width * self.done / self.total) if self.total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        eta = self.eta()
        text = t_short("autograde.bar", self.lang, done=self.done, total=self.total, failed=self.failed,
                       elapsed=clock(self.elapsed()), eta=clock(eta) if eta is not None else "?")
        self._write(f"\r\033[K[{bar}] {text}")
        self._drawn = True

    def close(self):
        if self.tty and self._drawn:
            self._write("\n")
            self._drawn = False

    def _write(self, text):
        self.stream.write(text)
        self.stream.flush()


def _num(value):
    if value is None:
        return "-"
    value = float(value)
    return f"{value:g}"
