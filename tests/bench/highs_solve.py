#!/usr/bin/python3
"""Solves an allocation instance in n2gg-assign-tool's text format (see
services/scheduler/assign_tool.c) as a MILP with SciPy's HiGHS (scipy.optimize.milp): an
independent solver for the cross-check (tests/integration/test_solver_scipy.py imports this
module) and the baseline for tests/bench/bench_solver.c.

    highs_solve.py FILE [--time-limit SECONDS]

prints name=value lines: status (optimal, time_limit, or HiGHS's message), objective (the
integer objective, preassigned load included), solve_s (the milp call), build_s (reading
the file and building the model).

The formulations:
  assign: x per arc, u per school (unserved), y per partner slot k = 1..room, where the k-th
          new school of a partner with p pinned costs load_weight * (p + k);
          min  sum c x + U sum u + sum w (p + k) y + sum_j w p_j (p_j + 1) / 2
          s.t. sum_{arcs of i} x + u_i = 1            per school
               sum_{arcs to j} x - sum_k y_jk = 0      per partner
               0 <= x, u, y <= 1, x and u integral
          (the slot costs grow with k, so an optimum fills each partner's cheapest slots:
          the convex load term exactly)
  cep:    x per arc, u per cluster, all binary;
          min  sum c x + U sum u
          s.t. sum_{arcs of c} x + u_c = 1             per cluster
               sum_{arcs to j} days_c x <= capacity_j  per partner
"""
import re
import sys
import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix


def parse(text):
    """The instance as a dict: kind 'assign' or 'cep', and its numbers."""
    tokens = re.sub(r"#[^\n]*", "", text).split()
    kind = tokens[0]
    if kind == "assign":
        schools, partners, n_arcs, w, unserved = (int(t) for t in tokens[1:6])
        rest = np.array(tokens[6:6 + 2 * partners + 3 * n_arcs], dtype=np.int64)
        pp = rest[:2 * partners].reshape(partners, 2)
        arcs = rest[2 * partners:].reshape(n_arcs, 3)
        return dict(kind=kind, schools=schools, partners=partners, load_weight=w,
                    unserved=unserved, capacity=pp[:, 0], preassigned=pp[:, 1], arcs=arcs)
    if kind == "cep":
        clusters, partners, n_arcs, unserved = (int(t) for t in tokens[1:5])
        # optional limits on the header line are for n2gg-assign-tool only
        header = re.sub(r"#[^\n]*", "", text).strip().split("\n", 1)[0].split()
        start = len(header)
        rest = np.array(tokens[start:start + clusters + partners + 3 * n_arcs], dtype=np.int64)
        days = rest[:clusters]
        capacity = rest[clusters:clusters + partners]
        arcs = rest[clusters + partners:].reshape(n_arcs, 3)
        return dict(kind=kind, clusters=clusters, partners=partners, unserved=unserved,
                    days=days, capacity=capacity, arcs=arcs)
    raise ValueError("the instance must start with 'assign' or 'cep'")


def _solve(c, A, lb, ub, integrality, time_limit):
    options = {"mip_rel_gap": 0.0, "presolve": True}
    if time_limit:
        options["time_limit"] = float(time_limit)
    t0 = time.monotonic()
    res = milp(c, integrality=integrality, bounds=Bounds(0, 1),
               constraints=LinearConstraint(A, lb, ub), options=options)
    return res, time.monotonic() - t0


def _status(res):
    if res.status == 0:
        return "optimal"
    if res.status == 1:
        return "time_limit"
    return res.message.replace(" ", "_")


def solve_assign(inst, time_limit=None):
    """(status, objective or None, solve seconds)."""
    S, P = inst["schools"], inst["partners"]
    w, U = inst["load_weight"], inst["unserved"]
    cap, pre, arcs = inst["capacity"], inst["preassigned"], inst["arcs"]
    m = len(arcs)
    room = np.maximum(cap - pre, 0)
    # a partner never takes more new schools than it has arcs
    indeg = np.bincount(arcs[:, 1], minlength=P) if m else np.zeros(P, dtype=np.int64)
    slots = np.minimum(room, indeg)
    n_slots = int(slots.sum())
    slot_partner = np.repeat(np.arange(P), slots)
    slot_first = np.cumsum(slots) - slots
    slot_k = np.arange(n_slots) - np.repeat(slot_first, slots) + 1
    slot_cost = w * (pre[slot_partner] + slot_k)
    constant = int((w * pre * (pre + 1) // 2).sum())
    n = m + S + n_slots
    if n == 0:
        return "optimal", constant, 0.0
    c = np.concatenate([arcs[:, 2], np.full(S, U), slot_cost]).astype(float)
    # rows: schools 0..S-1, partners S..S+P-1
    rows = np.concatenate([arcs[:, 0], np.arange(S), S + arcs[:, 1], S + slot_partner])
    cols = np.concatenate([np.arange(m), m + np.arange(S), np.arange(m),
                           m + S + np.arange(n_slots)])
    vals = np.concatenate([np.ones(m), np.ones(S), np.ones(m), -np.ones(n_slots)])
    A = coo_matrix((vals, (rows, cols)), shape=(S + P, n)).tocsr()
    lb = np.concatenate([np.ones(S), np.zeros(P)])
    integrality = np.concatenate([np.ones(m + S), np.zeros(n_slots)])
    res, seconds = _solve(c, A, lb, lb, integrality, time_limit)
    objective = None if res.x is None else int(round(res.fun)) + constant
    return _status(res), objective, seconds


def solve_cep(inst, time_limit=None):
    """(status, objective or None, solve seconds)."""
    C, P, U = inst["clusters"], inst["partners"], inst["unserved"]
    days, cap, arcs = inst["days"], inst["capacity"], inst["arcs"]
    m = len(arcs)
    n = m + C
    if n == 0:
        return "optimal", 0, 0.0
    c = np.concatenate([arcs[:, 2], np.full(C, U)]).astype(float)
    rows = np.concatenate([arcs[:, 0], np.arange(C), C + arcs[:, 1]])
    cols = np.concatenate([np.arange(m), m + np.arange(C), np.arange(m)])
    vals = np.concatenate([np.ones(m), np.ones(C), days[arcs[:, 0]].astype(float)])
    A = coo_matrix((vals, (rows, cols)), shape=(C + P, n)).tocsr()
    lb = np.concatenate([np.ones(C), np.full(P, -np.inf)])
    ub = np.concatenate([np.ones(C), cap.astype(float)])
    res, seconds = _solve(c, A, lb, ub, np.ones(n), time_limit)
    objective = None if res.x is None else int(round(res.fun))
    return _status(res), objective, seconds


def solve_text(text, time_limit=None):
    inst = parse(text)
    return (solve_assign if inst["kind"] == "assign" else solve_cep)(inst, time_limit)


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--time-limit"):
        sys.stderr.write("usage: highs_solve.py FILE [--time-limit SECONDS]\n")
        return 2
    time_limit = float(argv[3]) if len(argv) == 4 else None
    t0 = time.monotonic()
    with open(argv[1]) as f:
        inst = parse(f.read())
    solve = solve_assign if inst["kind"] == "assign" else solve_cep
    status, objective, seconds = solve(inst, time_limit)
    build = time.monotonic() - t0 - seconds
    print(f"status={status}")
    print(f"objective={objective if objective is not None else 'none'}")
    print(f"solve_s={seconds:.3f}")
    print(f"build_s={build:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
