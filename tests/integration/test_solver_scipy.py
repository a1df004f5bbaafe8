"""The allocation solvers cross-checked against an independent one: random instances of
varied shapes are solved by n2gg-assign-tool (services/scheduler: assign's min-cost flow,
cep's GLPK MIP) and by SciPy's HiGHS (scipy.optimize.milp, formulated in
tests/bench/highs_solve.py), and the optimal objectives must agree. The tool's allocation is
also checked here for feasibility and its objective recomputed."""
import os
import random
import subprocess
import sys
import tempfile
import unittest

BUILD = os.environ.get("N2GG_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
SOURCE = os.environ.get("N2GG_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
TOOL = os.path.join(BUILD, "services/scheduler/n2gg-assign-tool")
sys.path.insert(0, os.path.join(SOURCE, "tests/bench"))
import highs_solve  # noqa: E402


def assign_text(inst):
    lines = ["# random instance from test_solver_scipy.py",
             "assign %d %d %d %d %d" % (inst["schools"], inst["partners"], len(inst["arcs"]),
                                        inst["load_weight"], inst["unserved"])]
    lines += ["%d %d" % cp for cp in zip(inst["capacity"], inst["preassigned"])]
    lines += ["%d %d %d" % a for a in inst["arcs"]]
    return "\n".join(lines) + "\n"


def cep_text(inst):
    lines = ["cep %d %d %d %d" % (inst["clusters"], inst["partners"], len(inst["arcs"]),
                                  inst["unserved"])]
    lines += ["%d" % d for d in inst["days"]]
    lines += ["%d" % c for c in inst["capacity"]]
    lines += ["%d %d %d" % a for a in inst["arcs"]]
    return "\n".join(lines) + "\n"


def run_tool(text):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        proc = subprocess.run([TOOL, path], capture_output=True, text=True, timeout=120)
    finally:
        os.unlink(path)
    return proc


def parse_output(out):
    values, alloc = {}, {}
    for line in out.splitlines():
        words = line.split()
        if words[0] in ("school", "cluster"):
            alloc[int(words[1])] = int(words[2])
        elif words[0] == "certificate":
            values["certificate"] = " ".join(words[1:])
        else:
            values[words[0]] = words[1]
    return values, alloc


def random_assign(rng, shape):
    """An assign instance of the given shape (a dict of knobs)."""
    S = rng.randint(*shape["schools"])
    P = rng.randint(*shape["partners"])
    capacity = [rng.randint(*shape["capacity"]) for _ in range(P)]
    pre = [rng.randint(*shape.get("pre", (0, 0))) for _ in range(P)]
    for j in range(P):
        if rng.random() < shape.get("zero_capacity", 0.0):
            capacity[j] = 0
    arcs = []
    no_arcs = set(rng.sample(range(S), int(S * shape.get("no_arcs", 0.0))))
    for i in range(S):
        if i in no_arcs:
            continue
        k = min(P, rng.randint(*shape["degree"]))
        for j in rng.sample(range(P), k):
            arcs.append((i, j, rng.randint(*shape["cost"])))
            if rng.random() < shape.get("parallel", 0.0):
                arcs.append((i, j, rng.randint(*shape["cost"])))
    rng.shuffle(arcs)
    return dict(kind="assign", schools=S, partners=P, capacity=capacity, preassigned=pre,
                arcs=arcs, load_weight=rng.randint(*shape["load_weight"]),
                unserved=rng.randint(*shape["unserved"]))


ASSIGN_SHAPES = [
    # name, knobs, how many
    ("small dense", dict(schools=(5, 12), partners=(2, 5), capacity=(1, 4), degree=(2, 5),
                         cost=(0, 50), load_weight=(0, 0), unserved=(60, 200)), 4),
    ("ties and load", dict(schools=(20, 40), partners=(3, 8), capacity=(3, 12),
                           degree=(3, 8), cost=(0, 3), load_weight=(1, 5),
                           unserved=(100, 100)), 4),
    ("pinned loads", dict(schools=(20, 60), partners=(4, 10), capacity=(2, 10), pre=(0, 6),
                          degree=(2, 6), cost=(0, 1000), load_weight=(10, 80),
                          unserved=(5000, 20000)), 4),
    ("scarce capacity", dict(schools=(40, 80), partners=(4, 8), capacity=(0, 6),
                             degree=(1, 4), cost=(100, 5000), load_weight=(0, 50),
                             unserved=(3000, 8000)), 4),
    ("unserved cheaper", dict(schools=(20, 50), partners=(3, 10), capacity=(1, 8),
                              degree=(1, 6), cost=(0, 300), load_weight=(0, 20),
                              unserved=(50, 150)), 3),
    ("no arcs, zero capacities, parallel arcs",
     dict(schools=(30, 60), partners=(5, 12), capacity=(1, 6), zero_capacity=0.3,
          no_arcs=0.2, parallel=0.2, degree=(1, 6), cost=(0, 2000), load_weight=(0, 30),
          unserved=(2500, 2500)), 4),
    ("county-like", dict(schools=(150, 300), partners=(20, 40), capacity=(6, 12), pre=(0, 2),
                         degree=(8, 20), cost=(500, 40000), load_weight=(100, 500),
                         unserved=(1000000, 1000000)), 5),
    ("many candidates", dict(schools=(100, 200), partners=(10, 20), capacity=(8, 20),
                             degree=(10, 20), cost=(0, 100), load_weight=(0, 3),
                             unserved=(10**6, 10**6)), 2),
]


def random_cep(rng, C, P, K, tight, cost_max=50000, unserved=200000):
    days = [rng.randint(5, 14) + 3 for _ in range(C)]
    need = sum(days)
    capacity = [int(need * tight / P * rng.uniform(0.6, 1.4)) for _ in range(P)]
    arcs = []
    for c in range(C):
        for j in rng.sample(range(P), min(P, K)):
            arcs.append((c, j, rng.randint(0, cost_max)))
    rng.shuffle(arcs)
    return dict(kind="cep", clusters=C, partners=P, days=days, capacity=capacity, arcs=arcs,
                unserved=unserved)


def check_assign_allocation(test, inst, alloc, objective):
    """Feasible, and its objective recomputed here."""
    cheapest = {}
    for i, j, c in inst["arcs"]:
        cheapest[(i, j)] = min(c, cheapest.get((i, j), c))
    count = [0] * inst["partners"]
    total = 0
    for i in range(inst["schools"]):
        j = alloc[i]
        if j < 0:
            total += inst["unserved"]
            continue
        test.assertIn((i, j), cheapest, "school %d to partner %d has no arc" % (i, j))
        total += cheapest[(i, j)]
        count[j] += 1
    w = inst["load_weight"]
    for j in range(inst["partners"]):
        pre = inst["preassigned"][j]
        test.assertLessEqual(count[j], max(0, inst["capacity"][j] - pre))
        k = pre + count[j]
        total += w * k * (k + 1) // 2
    test.assertEqual(total, objective)


def check_cep_allocation(test, inst, alloc, objective):
    cheapest = {}
    for c, j, cost in inst["arcs"]:
        cheapest[(c, j)] = min(cost, cheapest.get((c, j), cost))
    used = [0] * inst["partners"]
    total = 0
    for c in range(inst["clusters"]):
        j = alloc[c]
        if j < 0:
            total += inst["unserved"]
            continue
        test.assertIn((c, j), cheapest)
        total += cheapest[(c, j)]
        used[j] += inst["days"][c]
    for j in range(inst["partners"]):
        test.assertLessEqual(used[j], inst["capacity"][j])
    test.assertEqual(total, objective)


class SolverCrossCheck(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(TOOL, os.X_OK):
            raise unittest.SkipTest("no %s: build first" % TOOL)

    def test_assign_matches_highs(self):
        rng = random.Random(20131115)
        n = 0
        for name, shape, count in ASSIGN_SHAPES:
            for k in range(count):
                inst = random_assign(rng, shape)
                text = assign_text(inst)
                with self.subTest(shape=name, instance=k):
                    proc = run_tool(text)
                    self.assertEqual(proc.returncode, 0, proc.stderr + proc.stdout[:500])
                    values, alloc = parse_output(proc.stdout)
                    self.assertEqual(values["certificate"], "ok")
                    ours = int(values["objective"])
                    status, theirs, _ = highs_solve.solve_text(text)
                    self.assertEqual(status, "optimal")
                    self.assertEqual(ours, theirs, "%s #%d" % (name, k))
                    check_assign_allocation(self, inst, alloc, ours)
                    n += 1
        self.assertGreaterEqual(n, 30)

    def test_cep_matches_highs(self):
        rng = random.Random(46)
        cases = [(5, 3, 3, 1.2), (8, 4, 4, 1.0), (10, 5, 3, 0.9), (12, 6, 6, 1.3),
                 (15, 6, 4, 1.1), (15, 8, 8, 0.8), (20, 10, 6, 1.2), (20, 8, 5, 1.05),
                 (25, 12, 8, 1.3), (30, 15, 10, 1.25), (12, 5, 5, 0.6), (6, 2, 2, 2.0)]
        for k, (C, P, K, tight) in enumerate(cases):
            inst = random_cep(rng, C, P, K, tight)
            text = cep_text(inst)
            with self.subTest(instance=k, clusters=C, partners=P):
                proc = run_tool(text)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                values, alloc = parse_output(proc.stdout)
                self.assertEqual(values["optimal"], "1")
                ours = int(values["objective"])
                self.assertEqual(int(values["bound"]), ours)
                status, theirs, _ = highs_solve.solve_text(text)
                self.assertEqual(status, "optimal")
                self.assertEqual(ours, theirs)
                check_cep_allocation(self, inst, alloc, ours)

    def test_tool_rejects_bad_instances(self):
        bad = {
            "assign 1 1 1 0 10\n1 0\n0 1 5\n": "partner",         # no partner 1
            "assign 1 1 1 0 10\n-1 0\n0 0 5\n": "capacity",       # negative capacity
            "assign 1 1 2 0 10\n1 0\n0 0 5\n": "missing",         # too few arcs
            "cep 1 1 1 10\n0\n5\n0 0 1\n": "days",                # a cluster needing 0 days
            "knapsack 1\n": "must start",
        }
        for text, words in bad.items():
            with self.subTest(text=text):
                proc = run_tool(text)
                self.assertEqual(proc.returncode, 1)
                self.assertIn(words, proc.stderr)


if __name__ == "__main__":
    unittest.main()
