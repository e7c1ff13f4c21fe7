"""Running a student's function with one of its global helpers swapped —
used to show what a different initialiser does to the *same* training code."""
import types


def with_helper(fn, **replacements):
    """A copy of ``fn`` whose global names in ``replacements`` point elsewhere.

    ``with_helper(L_layer_model, initialize_parameters_deep_scaled=initialize_parameters_deep)``
    is your ``L_layer_model``, unchanged, except that the call to the scaled
    initialiser goes to your Part 1 initialiser (×0.01).  The notebook itself is
    not changed.
    """
    if not isinstance(fn, types.FunctionType):
        raise TypeError(f"with_helper needs a Python function, not {type(fn).__name__}")
    namespace = dict(fn.__globals__)
    namespace.update(replacements)
    clone = types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__, fn.__closure__)
    clone.__kwdefaults__ = fn.__kwdefaults__
    clone.__doc__ = fn.__doc__
    return clone


def uses_name(fn, name):
    """Does ``fn``'s code (or a nested function's) read the global ``name``?"""
    from ..checks.student_call import _loaded_globals
    code = getattr(fn, "__code__", None)
    return code is not None and name in _loaded_globals(code, set())
