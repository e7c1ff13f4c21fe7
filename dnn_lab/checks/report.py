"""Results as data.  A check produces a :class:`Report`; text, HTML, widget and
diagram are renderers of it (see ``dnn_lab.render`` and ``dnn_lab.diagram``)."""
from dataclasses import dataclass, field

# Most specific first: the order in which hints are listed in a report.
HINT_ORDER = (
    "not_implemented", "partly_implemented", "timeout", "uses_globals", "mutates_inputs",
    "transposed", "forgot_1_over_m", "extra_1_over_m", "missing_keepdims", "wrong_sum_axis",
    "sign_error", "missing_term", "cost_not_scalar", "wrong_activation", "wrong_init_scale",
    "zeros_shape_tuple", "elementwise_product", "index_past_end",
    "wrong_layer_input", "loop_variable_scope", "function_missing", "undefined_name",
    "loop_bounds", "wrong_keys",
    "cost_not_decreasing", "ignores_learning_rate", "wrong_cost_interval", "wrong_initializer", "wrong_return_structure",
    "wrong_threshold", "accuracy_not_mean",
    "exception", "wrong_type", "wrong_shape",
    "wrong_value", "prints_output",
    "callee_wrong",  # after the callee's own hints, in a report blamed on a callee (checks/blame.py)
)
HINTS = frozenset(HINT_ORDER)
WARNING_HINTS = frozenset({"prints_output"})

PASSED, FAILED, NOT_REACHED = "passed", "failed", "not_reached"


@dataclass(frozen=True)
class Finding:
    """One failure (or warning) in one case.

    ``params`` fill the placeholders of ``message_id``; ``expected``/``got`` are
    short printable summaries (type, shape, a few values) for the case table.
    """
    case: str
    step: str | None
    message_id: str
    hint: str
    params: dict = field(default_factory=dict)
    text: str = ""
    expected: str | None = None
    got: str | None = None
    warning: bool = False

    def as_dict(self):
        return {k: getattr(self, k) for k in
                ("case", "step", "message_id", "hint", "params", "text", "expected", "got", "warning")}


@dataclass(frozen=True)
class CaseResult:
    """One case: its id, a short description of its inputs, and its steps' states."""
    case: str
    about: str
    passed: bool
    steps: dict  # step id -> PASSED | FAILED | NOT_REACHED, in diagram order
    findings: tuple = ()


@dataclass(frozen=True)
class Report:
    """The outcome of ``run_checks(exercise, fn)``.

    ``failed_step`` is the step of the first failure (cases in order, steps in
    order); ``hints`` the distinct hint ids of failures and warnings, most
    specific first; ``step_states`` the states of the case to draw (the first
    failing case, else the reference case); ``dims`` that case's layer sizes for
    the diagram.
    """
    exercise: str
    lang: str
    passed: bool
    failed_step: str | None
    hints: list
    failures: list
    warnings: list
    cases: list
    step_states: dict
    dims: dict
    seconds: float = 0.0
    callee: str | None = None   # a graded function this one calls, whose own mistake made it fail

    @property
    def failed_case(self):
        return self.failures[0].case if self.failures else None

    def as_dict(self):
        return {
            "exercise": self.exercise, "lang": self.lang, "passed": self.passed,
            "failed_step": self.failed_step, "hints": list(self.hints),
            "failures": [f.as_dict() for f in self.failures],
            "warnings": [w.as_dict() for w in self.warnings],
            "step_states": dict(self.step_states), "callee": self.callee,
        }

    def __str__(self):
        from ..render.text import render_text
        return render_text(self)

    def _repr_html_(self):
        from ..render.html import render_html
        return render_html(self)


def hint_rank(hint):
    """Position of ``hint`` in HINT_ORDER (unknown ids last): lower is more specific."""
    return _RANK.get(hint, len(_RANK))


_RANK = {h: i for i, h in enumerate(HINT_ORDER)}


def order_hints(hints):
    seen = []
    for h in sorted(set(hints), key=HINT_ORDER.index):
        seen.append(h)
    return seen
