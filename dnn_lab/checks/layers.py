"""Small shared pieces for exercises that work layer by layer."""


def layer_steps(L, prefix="layer"):
    return [f"{prefix}{l}" for l in range(1, L + 1)]


def param_steps(L):
    return [k for l in range(1, L + 1) for k in (f"W{l}", f"b{l}")]


def param_keys(L):
    return {f"W{l}" for l in range(1, L + 1)} | {f"b{l}" for l in range(1, L + 1)}


def fmt_keys(keys):
    return ", ".join(sorted(map(str, keys))) or "—"


def is_cache_pair(cache):
    """((A_prev, W, b), Z) — lists accepted wherever tuples are unpacked."""
    return (isinstance(cache, (tuple, list)) and len(cache) == 2
            and isinstance(cache[0], (tuple, list)) and len(cache[0]) == 3)


def distinct_calls(calls, same):
    """The calls without repeats (``same(a, b)``: the same inputs, so the same result): computing a
    layer twice is redundant, not a loop error."""
    kept = []
    for call in calls:
        if not any(same(call, k) for k in kept):
            kept.append(call)
    return kept
