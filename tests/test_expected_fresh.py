"""The committed expected data is exactly what the source notebook's solutions produce."""
from importlib import resources

import numpy as np
import pytest

from dnn_lab.checks.registry import EXERCISES, get_exercise
from dnn_lab.dev import expected_data


@pytest.fixture(scope="module")
def fresh():
    return expected_data("step_by_step")


@pytest.fixture(scope="module")
def committed():
    ref = resources.files("dnn_lab.checks") / "expected" / "step_by_step.npz"
    with ref.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def test_same_keys(fresh, committed):
    """Does regenerating from the source notebook give exactly the committed keys?"""
    assert sorted(fresh) == sorted(committed)


def test_same_values_shapes_and_dtypes(fresh, committed):
    """Is every regenerated array the committed one (shape, dtype, values to the last few ulps)?"""
    # Not bit-for-bit: BLAS kernels round differently on different CPUs (seen: 1 ulp in
    # L_model_forward's AL); a stale value differs in far more than the last bit.
    differing = [k for k in fresh if k in committed and not (
        fresh[k].shape == committed[k].shape and fresh[k].dtype == committed[k].dtype
        and (np.allclose(fresh[k], committed[k], rtol=1e-12, atol=1e-14, equal_nan=True)
             if fresh[k].dtype.kind in "fc" else np.array_equal(fresh[k], committed[k])))]
    assert differing == []


def test_every_case_of_every_exercise_has_data(committed):
    """Does each case of each of the ten exercises have stored expected values?"""
    missing = [f"{name}/{case.id}" for name in EXERCISES for case in get_exercise(name).cases
               if not any(k.startswith(f"{name}/{case.id}/") for k in committed)]
    assert missing == []
