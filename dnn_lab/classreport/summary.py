"""Counts over a class: what each exercise's students got wrong, and who needs attention."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field

CRASH_REASONS = ("exited", "crashed", "killed", "protocol", "memory", "load_timeout")


@dataclass
class Diagnosis:
    exercise: str
    step: str
    hint: str
    scope: str                      # "public" | "hidden" (hidden cases only)
    students: list = field(default_factory=list)
    message_id: str = ""
    params: dict = field(default_factory=dict)
    text: str = ""                  # the first finding as the first student read it
    lang: str = "both"

    @property
    def count(self):
        return len(self.students)


@dataclass
class ExerciseSummary:
    name: str
    graded: int = 0
    passed: int = 0
    not_implemented: list = field(default_factory=list)
    diagnoses: list = field(default_factory=list)      # most students first
    step_counts: Counter = field(default_factory=Counter)  # step -> students failing there

    @property
    def rate(self):
        return self.passed / self.graded if self.graded else 0.0


@dataclass
class Attention:
    student: str
    kind: str                       # ungraded | unfinished | crashed | timeout | cell_error
    exercises: list = field(default_factory=list)


@dataclass
class ClassSummary:
    assignment: str
    submitted: int
    graded: int
    exercises: list                 # ExerciseSummary in the assignment's order
    attention: list                 # Attention: ungraded first, then crashed, timed out, cell errors
    scores: dict                    # student -> score
    max_score: float
    skipped: list
    seconds: dict = field(default_factory=dict)   # student -> grading time of their exercises

    @property
    def mean_score(self):
        return sum(self.scores.values()) / len(self.scores) if self.scores else 0.0

    def slowest(self, n=3):
        return sorted(self.seconds.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    def diagnosis(self, exercise, step, hint, scope="public"):
        for ex in self.exercises:
            for d in ex.diagnoses:
                if (d.exercise, d.step, d.hint, d.scope) == (exercise, step, hint, scope):
                    return d
        return None


_ATTENTION_ORDER = {"ungraded": 0, "unfinished": 1, "crashed": 2, "timeout": 3, "cell_error": 4}


def summarise(data, order=None):
    """A :class:`ClassSummary` of :class:`~dnn_lab.classreport.collect.ClassData`."""
    if order is None:
        from ..checks.registry import ASSIGNMENTS
        order = ASSIGNMENTS[data.assignment]
    exercises = {name: ExerciseSummary(name) for name in order}
    diagnoses = {}
    attention = [Attention(s, "ungraded") for s in data.submitted if s not in data.records]
    scores, max_score, seconds = {}, 0.0, {}
    for student, record in sorted(data.records.items()):
        score, student_max = 0.0, 0.0
        troubles = defaultdict(list)
        seconds[student] = sum(float(ex.get("seconds") or 0.0) for ex in record["exercises"])
        if data.completed is not None and student not in data.completed:
            troubles["unfinished"] = []
        for ex in record["exercises"]:
            name = ex["exercise"]
            summary = exercises.setdefault(name, ExerciseSummary(name))
            summary.graded += 1
            points = ex.get("points")
            points = 1.0 if points is None else float(points)
            student_max += points
            if ex["passed"]:
                summary.passed += 1
                score += points
                continue
            reason = ex.get("reason")
            if reason in CRASH_REASONS:
                troubles["crashed"].append(name)
            elif reason == "timeout":
                troubles["timeout"].append(name)
            elif reason == "cell_error":
                troubles["cell_error"].append(name)
            if reason == "not_implemented":
                summary.not_implemented.append(student)
                continue
            first = ex.get("first") or {}
            step = ex.get("failed_step") or first.get("step") or "—"
            hint = (ex.get("hints") or [first.get("hint") or reason or "wrong_value"])[0]
            scope = ex.get("scope") or "public"
            summary.step_counts[step] += 1
            key = (name, step, hint, scope)
            if key not in diagnoses:
                diagnoses[key] = Diagnosis(name, step, hint, scope, message_id=first.get("message_id", ""),
                                           params=first.get("params") or {}, text=first.get("text", ""),
                                           lang=record.get("lang", "both"))
            diagnoses[key].students.append(student)
        scores[student] = score
        max_score = max(max_score, student_max)
        for kind, names in troubles.items():
            attention.append(Attention(student, kind, names))
    if data.scores is not None:
        scores = {s: data.scores.get(s, scores.get(s, 0.0)) for s in scores}
    for d in diagnoses.values():
        exercises[d.exercise].diagnoses.append(d)
    for ex in exercises.values():
        ex.diagnoses.sort(key=lambda d: (-d.count, d.scope != "public", d.step, d.hint))
    attention.sort(key=lambda a: (_ATTENTION_ORDER[a.kind], a.student))
    return ClassSummary(data.assignment, len(data.submitted), len(data.records), list(exercises.values()),
                        attention, scores, max_score, list(data.skipped), seconds)


def top_diagnoses(summary, limit=None):
    """Every diagnosis of the class, most students first."""
    every = [d for ex in summary.exercises for d in ex.diagnoses]
    every.sort(key=lambda d: (-d.count, d.scope != "public", d.exercise, d.step))
    return every[:limit] if limit else every
