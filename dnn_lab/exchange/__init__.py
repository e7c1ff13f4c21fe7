"""nbgrader's exchange for a course on a shared machine, through its own extension point
(``c.ExchangeFactory.*``, written by ``dnn-lab course init`` and ``dnn-lab course hub-config``).

- :mod:`.layout` the exchange's folders and their modes (stdlib), checked at every command's start;
- :mod:`.collect` ``SafeCollect``: a submission counts for the student who made it, only its notebooks,
  no links, bounded, one line per refusal;
- :mod:`.release` ``SafeReleaseAssignment``, ``SafeReleaseFeedback`` (the instructor's side);
- :mod:`.student` ``SafeFetchAssignment``, ``SafeSubmit``, ``SafeList``, ``SafeFetchFeedback``.

Importing this package is stdlib only (``config_lines`` for configuration writers); the classes,
which import nbgrader, load when nbgrader asks for them (``dnn_lab.exchange.SafeCollect``).
"""
import importlib

CLASSES = {
    "SafeCollect": "collect", "SafeReleaseAssignment": "release", "SafeReleaseFeedback": "release",
    "SafeFetchAssignment": "student", "SafeFetchFeedback": "student", "SafeSubmit": "student", "SafeList": "student",
}
FACTORY = {
    "collect": "SafeCollect", "release_assignment": "SafeReleaseAssignment", "release_feedback": "SafeReleaseFeedback",
    "fetch_assignment": "SafeFetchAssignment", "fetch_feedback": "SafeFetchFeedback", "submit": "SafeSubmit",
    "list": "SafeList",
}


def config_lines(instructor=None):
    """The nbgrader configuration lines that select these classes (and name the instructor who must own
    the course's exchange folder, when given)."""
    lines = [f"c.ExchangeFactory.{key} = 'dnn_lab.exchange.{cls}'" for key, cls in FACTORY.items()]
    if instructor:
        lines.append(f"c.DnnLabExchange.instructor = {instructor!r}")
    return "\n".join(lines) + "\n"


def __getattr__(name):
    if name in CLASSES:
        return getattr(importlib.import_module(f".{CLASSES[name]}", __name__), name)
    raise AttributeError(name)


__all__ = [*CLASSES, "config_lines"]
