"""How fast does the students' numpy network train?  Prints figures; asserts nothing.

2,500 iterations of the 4-layer model ``L_layer_model`` (the source notebook's
solution, built on the Part 1 solutions) on

  (a) the bundled data: X (784, 209), dims [784, 20, 7, 5, 1];
  (b) course-scale synthetic inputs: X (12288, 209) in [0, 1], dims [12288, 20, 7, 5, 1];

against

  * the same network in PyTorch (CPU, float64, same initial weights from
    ``initialize_parameters_deep_scaled``, the same cross-entropy, plain SGD
    with the same learning rate) — optional: ``pip install torch``;
  * the BLAS floor: only the matrix products our solution performs per
    iteration (forward W·A; backward dZ·A_prevᵀ and Wᵀ·dZ, down to dA0),
    timed on arrays of the same shapes; and the same without dA0, the input
    gradient that torch skips (X needs no gradient) — torch's own floor.

numpy's BLAS (threadpoolctl, optional) and torch (``torch.set_num_threads``)
are pinned to the same thread count.  The final costs of ours and torch are
printed too, to show that both compute the same thing.

Run:  python benchmarks/bench_training.py [--iterations 2500] [--threads 1] [--skip-torch]
"""
import argparse
import contextlib
import os
import time

import numpy as np


def pin_threads(n):
    """Limit numpy's BLAS to ``n`` threads (threadpoolctl when installed)."""
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        print(f"  (threadpoolctl not installed: numpy's BLAS threads follow OPENBLAS_NUM_THREADS="
              f"{os.environ.get('OPENBLAS_NUM_THREADS', 'unset')})")
        return contextlib.nullcontext()
    limiter = threadpool_limits(limits=n)
    apis = sorted({f"{i['internal_api']} {i['version']}" for i in threadpool_info()})
    print(f"  numpy BLAS pinned to {n} thread(s): {', '.join(apis)}")
    return limiter


def datasets(seed=0):
    from dnn_lab.data import load_data
    train_x, train_y, _, _, _ = load_data()
    X = train_x.reshape(train_x.shape[0], -1).T / 255.0
    yield "bundled (784, 209)", X, train_y.astype(float), [784, 20, 7, 5, 1]
    rng = np.random.RandomState(seed)
    Xs = rng.rand(12288, 209)
    Ys = (rng.rand(1, 209) < 1 / 3).astype(float)
    yield "synthetic (12288, 209)", Xs, Ys, [12288, 20, 7, 5, 1]


def time_ours(solutions, X, Y, dims, iterations, lr):
    started = time.perf_counter()
    parameters, costs = solutions["L_layer_model"](X, Y, dims, lr, iterations, False)
    return time.perf_counter() - started, float(np.squeeze(costs[-1])), parameters


def time_torch(X, Y, dims, iterations, lr, init):
    import torch
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    params = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in init.items()}
    L = len(dims) - 1
    ordered = [params[f"{k}{l}"] for l in range(1, L + 1) for k in "Wb"]
    optimizer = torch.optim.SGD(ordered, lr=lr)
    m = X.shape[1]
    cost = None
    started = time.perf_counter()
    for _ in range(iterations):
        A = Xt
        for l in range(1, L):
            A = torch.relu(params[f"W{l}"] @ A + params[f"b{l}"])
        AL = torch.sigmoid(params[f"W{L}"] @ A + params[f"b{L}"])
        cost = -(Yt * torch.log(AL) + (1 - Yt) * torch.log(1 - AL)).sum() / m
        optimizer.zero_grad(set_to_none=True)
        cost.backward()
        optimizer.step()
    seconds = time.perf_counter() - started
    return seconds, float(cost.detach()), {k: v.detach().numpy() for k, v in params.items()}


def time_blas_floor(X, dims, iterations, seed=1, input_grad=True):
    """Only the products of one iteration of our solution, repeated.
    ``input_grad=False`` leaves out Wᵀ·dZ of layer 1 (dA0), which torch does
    not compute because X needs no gradient."""
    rng = np.random.RandomState(seed)
    m = X.shape[1]
    L = len(dims) - 1
    Ws = [rng.randn(dims[l], dims[l - 1]) for l in range(1, L + 1)]
    As = [X] + [rng.rand(dims[l], m) for l in range(1, L)]
    dZs = [rng.randn(dims[l], m) for l in range(1, L + 1)]
    started = time.perf_counter()
    for _ in range(iterations):
        for l in range(L):
            np.dot(Ws[l], As[l])                 # forward Z = W·A_prev
        for l in range(L - 1, -1, -1):
            np.dot(dZs[l], As[l].T)              # dW = dZ·A_prevᵀ (the 1/m is not a product)
            if l > 0 or input_grad:
                np.dot(Ws[l].T, dZs[l])          # dA_prev = Wᵀ·dZ (our solution computes dA0 too)
    return time.perf_counter() - started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2500)
    parser.add_argument("--threads", type=int, default=1, help="BLAS / torch threads for every contender")
    parser.add_argument("--learning-rate", type=float, default=0.0075)
    parser.add_argument("--skip-torch", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each contender, interleaved; the minimum is shown")
    args = parser.parse_args(argv)

    from dnn_lab.app import initialize_parameters_deep_scaled
    from dnn_lab.checks.two_layer_model import provided
    from dnn_lab.dev import load_solutions

    print(f"L_layer_model, {args.iterations} iterations, learning rate {args.learning_rate}, "
          f"{args.threads} thread(s), CPU count {os.cpu_count()}")
    torch = None
    if not args.skip_torch:
        try:
            import torch
            torch.set_num_threads(args.threads)
            print(f"  torch {torch.__version__} on CPU, float64, {torch.get_num_threads()} thread(s)")
        except ImportError:
            print("  (torch not installed: pip install torch — skipped)")
    solutions = provided(load_solutions("application"))
    rows = []
    with pin_threads(args.threads):
        for label, X, Y, dims in datasets():
            row = {"data": label, "ours": np.inf, "floor": np.inf, "floor_no_dA0": np.inf}
            for _ in range(args.repeat):    # interleaved, so that a busy moment hits every contender
                ours, our_cost, our_params = time_ours(solutions, X, Y, dims, args.iterations, args.learning_rate)
                row["ours"], row["our_cost"] = min(row["ours"], ours), our_cost
                row["floor"] = min(row["floor"], time_blas_floor(X, dims, args.iterations))
                row["floor_no_dA0"] = min(row["floor_no_dA0"],
                                          time_blas_floor(X, dims, args.iterations, input_grad=False))
                if torch is not None:
                    init = initialize_parameters_deep_scaled(dims)
                    seconds, cost, params = time_torch(X, Y, dims, args.iterations, args.learning_rate, init)
                    row.update(torch=min(row.get("torch", np.inf), seconds), torch_cost=cost,
                               max_param_diff=max(float(np.max(np.abs(params[k] - our_params[k]))) for k in params))
            rows.append(row)

    print()
    header = (f"{'data':<24}{'ours (s)':>10}{'torch (s)':>11}{'BLAS floor (s)':>16}{'ours/torch':>12}"
              f"{'ours/floor':>12}{'floor w/o dA0 (s)':>19}{'torch/that':>12}")
    print(header)
    print("-" * len(header))
    for r in rows:
        t = r.get("torch")
        torch_s = f"{t:.2f}" if t else "—"
        ratio = f"{r['ours'] / t:.2f}" if t else "—"
        torch_ratio = f"{t / r['floor_no_dA0']:.2f}" if t else "—"
        print(f"{r['data']:<24}{r['ours']:>10.2f}{torch_s:>11}{r['floor']:>16.2f}{ratio:>12}"
              f"{r['ours'] / r['floor']:>12.2f}{r['floor_no_dA0']:>19.2f}{torch_ratio:>12}")
    print()
    for r in rows:
        line = f"{r['data']}: final recorded cost ours {r['our_cost']:.10f}"
        if "torch_cost" in r:
            # torch's last cost is computed before its last step, like ours.
            line += f", torch {r['torch_cost']:.10f}; largest |Δ| of the final parameters {r['max_param_diff']:.2e}"
        print(line)


if __name__ == "__main__":
    main()
