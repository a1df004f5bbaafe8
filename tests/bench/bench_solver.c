/* bench_solver: the scheduler's allocation solvers on generated instances, against HiGHS on
 * the same instances.
 *
 *   bench_solver [--highs tests/bench/highs_solve.py] [--timeout SECONDS] [--python PATH]
 *                [--skip-national]
 *
 * Instances (deterministic; schools and partners at random points, cost = straight-line
 * distance in metres):
 *   norfolk   420 schools, 60 partners in a 70 x 50 km box, every partner a candidate for
 *             every school, capacity 8-10 (0-1 of it pinned), load weight 200
 *   national  24,000 schools, 2,500 partners in a 450 x 300 km box, the nearest 30 partners
 *             of each school (found with a grid), capacity 10-12, load weight 100
 *   cep       46 clusters of 5-14 schools (days = schools + 3), 30 CEPs with about 1.2 times
 *             the days needed, the nearest 20 CEPs of each cluster
 * assign_solve's answers are verified with assign_check_optimal (a failure stops the run).
 * With --highs, each instance is also written in n2gg-assign-tool's text format and solved
 * by highs_solve.py (scipy.optimize.milp) under the timeout.
 * Figures go to stdout as name=value lines (times in seconds: the solve alone, for us the
 * median of several runs on the small instances); progress goes to stderr. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "assign.h"
#include "bench_util.h"
#include "cep.h"

struct options {
	const char *highs, *python;
	double timeout;
	bool skip_national;
};

static uint64_t rng_state;

static double uniform(double lo, double hi)
{
	return lo + (hi - lo) * (double)(bench_rand(&rng_state) >> 11) * (1.0 / 9007199254740992.0);
}

static int uniform_int(int lo, int hi)
{
	return lo + (int)(bench_rand(&rng_state) % (uint64_t)(hi - lo + 1));
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		bench_fail("out of memory");
	return p;
}

static long peak_rss_kb(int who)
{
	struct rusage ru;
	getrusage(who, &ru);
	return ru.ru_maxrss;
}

/* ---- assign instances ---- */

struct assign_instance {
	const char *name;
	struct assign_problem p;
	int *capacity, *pre;
	struct assign_arc *arcs;
};

struct point {
	double x, y;
};

struct cand {
	double d;
	int j;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return (x->j > y->j) - (x->j < y->j);
}

/* The k nearest of `np` points `pt` to (x, y), through a grid of `cell`-metre cells
 * (`head`/`next`: the points of each cell as linked lists), into `out`; returns how many. */
struct grid {
	double cell;
	int nx, ny;
	int *head, *next;
	const struct point *pt;
};

static void grid_build(struct grid *g, const struct point *pt, int n, double w, double h,
		       double cell)
{
	g->cell = cell;
	g->nx = (int)(w / cell) + 1;
	g->ny = (int)(h / cell) + 1;
	g->pt = pt;
	g->head = xmalloc(sizeof(int) * (size_t)g->nx * (size_t)g->ny);
	g->next = xmalloc(sizeof(int) * (size_t)n);
	for (int c = 0; c < g->nx * g->ny; c++)
		g->head[c] = -1;
	for (int j = n - 1; j >= 0; j--) {
		int c = (int)(pt[j].y / cell) * g->nx + (int)(pt[j].x / cell);
		g->next[j] = g->head[c];
		g->head[c] = j;
	}
}

static int grid_nearest(const struct grid *g, double x, double y, int k, struct cand **buf,
			size_t *cap, struct cand *out)
{
	int cx = (int)(x / g->cell), cy = (int)(y / g->cell);
	size_t n = 0;
	for (int r = 0;; r++) {
		for (int gy = cy - r; gy <= cy + r; gy++) {
			for (int gx = cx - r; gx <= cx + r; gx++) {
				if (gx < 0 || gy < 0 || gx >= g->nx || gy >= g->ny)
					continue;
				if (gx != cx - r && gx != cx + r && gy != cy - r && gy != cy + r)
					continue;   /* inside: an earlier ring */
				for (int j = g->head[gy * g->nx + gx]; j >= 0; j = g->next[j]) {
					if (n == *cap) {
						*cap = *cap ? 2 * *cap : 256;
						*buf = realloc(*buf, *cap * sizeof **buf);
						if (!*buf)
							bench_fail("out of memory");
					}
					(*buf)[n++] = (struct cand){
						hypot(g->pt[j].x - x, g->pt[j].y - y), j};
				}
			}
		}
		/* every point beyond ring r is at least r cells away */
		bool everything = cx - r <= 0 && cy - r <= 0 && cx + r >= g->nx - 1 &&
				  cy + r >= g->ny - 1;
		if (n >= (size_t)k || everything) {
			qsort(*buf, n, sizeof **buf, cand_cmp);
			if (everything || (*buf)[k - 1].d <= r * g->cell) {
				int m = n < (size_t)k ? (int)n : k;
				memcpy(out, *buf, sizeof *out * (size_t)m);
				return m;
			}
		}
	}
}

/* Schools and partners at random points in a w x h metre box; each school's `k` nearest
 * partners are its candidates (k >= partners: all of them). */
static void assign_generate(struct assign_instance *in, const char *name, uint64_t seed,
			    int schools, int partners, double w, double h, int k, int cap_lo,
			    int cap_hi, int pre_hi, int64_t load_weight)
{
	rng_state = seed;
	in->name = name;
	struct point *sp = xmalloc(sizeof *sp * (size_t)schools);
	struct point *pp = xmalloc(sizeof *pp * (size_t)partners);
	for (int i = 0; i < schools; i++)
		sp[i] = (struct point){uniform(0, w), uniform(0, h)};
	for (int j = 0; j < partners; j++)
		pp[j] = (struct point){uniform(0, w), uniform(0, h)};
	in->capacity = xmalloc(sizeof(int) * (size_t)partners);
	in->pre = xmalloc(sizeof(int) * (size_t)partners);
	for (int j = 0; j < partners; j++) {
		in->capacity[j] = uniform_int(cap_lo, cap_hi);
		in->pre[j] = uniform_int(0, pre_hi);
	}
	if (k > partners)
		k = partners;
	in->arcs = xmalloc(sizeof *in->arcs * (size_t)schools * (size_t)k);
	size_t n = 0;
	struct grid g;
	/* about four partners a cell */
	grid_build(&g, pp, partners, w, h, sqrt(w * h / partners * 4));
	struct cand *buf = NULL, *out = xmalloc(sizeof *out * (size_t)k);
	size_t cap = 0;
	for (int i = 0; i < schools; i++) {
		int m = grid_nearest(&g, sp[i].x, sp[i].y, k, &buf, &cap, out);
		for (int c = 0; c < m; c++)
			in->arcs[n++] = (struct assign_arc){i, out[c].j, llround(out[c].d)};
	}
	free(buf);
	free(out);
	free(g.head);
	free(g.next);
	free(sp);
	free(pp);
	in->p = (struct assign_problem){schools, partners, in->capacity, in->pre, in->arcs, n,
					load_weight, 1000000000};
}

static void assign_free(struct assign_instance *in)
{
	free(in->capacity);
	free(in->pre);
	free(in->arcs);
}

static void assign_write(const struct assign_instance *in, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		bench_fail("%s: %s", path, strerror(errno));
	const struct assign_problem *p = &in->p;
	fprintf(f, "# %s, from bench_solver\nassign %d %d %zu %lld %lld\n", in->name,
		p->n_schools, p->n_partners, p->n_arcs, (long long)p->load_weight,
		(long long)p->unserved_cost);
	for (int j = 0; j < p->n_partners; j++)
		fprintf(f, "%d %d\n", p->capacity[j], p->preassigned[j]);
	for (size_t a = 0; a < p->n_arcs; a++)
		fprintf(f, "%d %d %lld\n", p->arcs[a].school, p->arcs[a].partner,
			(long long)p->arcs[a].cost);
	if (fclose(f) != 0)
		bench_fail("%s: %s", path, strerror(errno));
}

static int double_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Solves `runs` times (the median time is reported, and put in *median_s), checks the
 * certificate once. */
static int64_t assign_bench(const struct assign_instance *in, const char *label, int runs,
			    double *median_s)
{
	double times[16];
	struct assign_result r;
	struct status st;
	int64_t objective = 0;
	for (int k = 0; k < runs; k++) {
		status_clear(&st);
		double t0 = bench_now();
		if (assign_solve(&in->p, &r, &st) < 0)
			bench_fail("%s: assign_solve: %s", label, st.message);
		times[k] = bench_now() - t0;
		objective = r.objective;
		if (k < runs - 1)
			assign_result_free(&r);
	}
	qsort(times, (size_t)runs, sizeof times[0], double_cmp);
	char why[256];
	double t0 = bench_now();
	if (assign_check_optimal(&in->p, &r, why, sizeof why) != 0)
		bench_fail("%s: the certificate does not check: %s", label, why);
	double check_s = bench_now() - t0;
	char name[64];
	snprintf(name, sizeof name, "solver_%s_s", label);
	bench_result(name, "%.4f", times[runs / 2]);
	snprintf(name, sizeof name, "solver_%s_objective", label);
	bench_result(name, "%lld", (long long)objective);
	snprintf(name, sizeof name, "solver_%s_check_s", label);
	bench_result(name, "%.4f", check_s);
	snprintf(name, sizeof name, "solver_%s_unserved", label);
	bench_result(name, "%d", r.n_unserved);
	snprintf(name, sizeof name, "solver_%s_settled_per_search", label);
	bench_result(name, "%.1f", r.searches ? (double)r.settled / (double)r.searches : 0.0);
	bench_say("%s: %d schools, %d partners, %zu arcs: objective %lld in %.4f s (median of "
		  "%d), certificate checked in %.4f s",
		  label, in->p.n_schools, in->p.n_partners, in->p.n_arcs, (long long)objective,
		  times[runs / 2], runs, check_s);
	assign_result_free(&r);
	*median_s = times[runs / 2];
	return objective;
}

/* ---- HiGHS ---- */

struct highs_run {
	bool ran;
	char status[64];
	long long objective;
	bool have_objective;
	double solve_s, build_s;
};

/* Runs highs_solve.py on `path` under the timeout; its name=value lines into `h`. */
static void highs_run(const struct options *o, const char *path, const char *out_path,
		      struct highs_run *h)
{
	memset(h, 0, sizeof *h);
	char limit[32];
	snprintf(limit, sizeof limit, "%g", o->timeout);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		bench_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		if (!freopen(out_path, "w", stdout))
			_exit(127);
		execl(o->python, o->python, o->highs, path, "--time-limit", limit, (char *)NULL);
		_exit(127);
	}
	bench_track_child(pid);
	/* HiGHS stops itself at the limit; reading the instance and building the model come on
	 * top, so allow some more before killing it */
	int status = bench_reap_child(pid, o->timeout * 1.5 + 60);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		bench_say("highs_solve.py did not finish (status %d)", status);
		snprintf(h->status, sizeof h->status, "killed");
		return;
	}
	FILE *f = fopen(out_path, "r");
	if (!f)
		bench_fail("%s: %s", out_path, strerror(errno));
	char line[256];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		const char *v = eq + 1;
		if (strcmp(line, "status") == 0)
			snprintf(h->status, sizeof h->status, "%s", v);
		else if (strcmp(line, "objective") == 0 && strcmp(v, "none") != 0)
			h->objective = atoll(v), h->have_objective = true;
		else if (strcmp(line, "solve_s") == 0)
			h->solve_s = atof(v);
		else if (strcmp(line, "build_s") == 0)
			h->build_s = atof(v);
	}
	fclose(f);
	h->ran = true;
}

static void highs_report(const char *label, const struct highs_run *h, long long ours,
			 double our_s)
{
	char name[64];
	snprintf(name, sizeof name, "highs_%s_status", label);
	bench_result(name, "%s", h->status);
	if (!h->ran)
		return;
	snprintf(name, sizeof name, "highs_%s_s", label);
	bench_result(name, "%.3f", h->solve_s);
	snprintf(name, sizeof name, "highs_%s_build_s", label);
	bench_result(name, "%.3f", h->build_s);
	snprintf(name, sizeof name, "highs_%s_objective", label);
	if (h->have_objective)
		bench_result(name, "%lld", h->objective);
	else
		bench_result(name, "none");
	snprintf(name, sizeof name, "highs_%s_match", label);
	bench_result(name, "%d", h->have_objective && h->objective == ours ? 1 : 0);
	if (our_s > 0) {
		snprintf(name, sizeof name, "speedup_%s", label);
		bench_result(name, "%.1f", h->solve_s / our_s);
	}
	bench_say("%s: HiGHS %s, objective %lld in %.3f s (+%.3f s reading and building)%s",
		  label, h->status, h->have_objective ? h->objective : -1, h->solve_s, h->build_s,
		  h->have_objective && h->objective == ours ? "" : "  <-- differs");
}

/* ---- CEP ---- */

struct cep_instance {
	struct cep_problem p;
	int *days, *capacity;
	struct cep_arc *arcs;
};

static void cep_generate(struct cep_instance *in, uint64_t seed, int clusters, int partners,
			 int k, double tight)
{
	rng_state = seed;
	struct point *cp = xmalloc(sizeof *cp * (size_t)clusters);
	struct point *pp = xmalloc(sizeof *pp * (size_t)partners);
	in->days = xmalloc(sizeof(int) * (size_t)clusters);
	in->capacity = xmalloc(sizeof(int) * (size_t)partners);
	in->arcs = xmalloc(sizeof *in->arcs * (size_t)clusters * (size_t)k);
	long need = 0;
	for (int c = 0; c < clusters; c++) {
		cp[c] = (struct point){uniform(0, 70000), uniform(0, 50000)};
		in->days[c] = cep_cluster_days(uniform_int(5, 14));
		need += in->days[c];
	}
	for (int j = 0; j < partners; j++) {
		pp[j] = (struct point){uniform(0, 70000), uniform(0, 50000)};
		in->capacity[j] = (int)((double)need * tight / partners * uniform(0.7, 1.3));
	}
	struct cand *d = xmalloc(sizeof *d * (size_t)partners);
	size_t n = 0;
	for (int c = 0; c < clusters; c++) {
		for (int j = 0; j < partners; j++)
			d[j] = (struct cand){hypot(cp[c].x - pp[j].x, cp[c].y - pp[j].y), j};
		qsort(d, (size_t)partners, sizeof *d, cand_cmp);
		for (int m = 0; m < k && m < partners; m++)
			in->arcs[n++] = (struct cep_arc){c, d[m].j, llround(d[m].d)};
	}
	free(d);
	free(cp);
	free(pp);
	in->p = (struct cep_problem){clusters, partners, in->days, in->capacity, in->arcs, n,
				     200000, 60000, 0};
}

static void cep_write(const struct cep_instance *in, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		bench_fail("%s: %s", path, strerror(errno));
	const struct cep_problem *p = &in->p;
	fprintf(f, "# cep, from bench_solver\ncep %d %d %zu %lld\n", p->n_clusters, p->n_partners,
		p->n_arcs, (long long)p->unserved_cost);
	for (int c = 0; c < p->n_clusters; c++)
		fprintf(f, "%d\n", p->days[c]);
	for (int j = 0; j < p->n_partners; j++)
		fprintf(f, "%d\n", p->capacity[j]);
	for (size_t a = 0; a < p->n_arcs; a++)
		fprintf(f, "%d %d %lld\n", p->arcs[a].cluster, p->arcs[a].partner,
			(long long)p->arcs[a].cost);
	if (fclose(f) != 0)
		bench_fail("%s: %s", path, strerror(errno));
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_solver [--highs highs_solve.py] [--timeout SECONDS] "
			"[--python PATH] [--skip-national]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct options o = {.python = "/usr/bin/python3", .timeout = 300};
	static const struct option longopts[] = {
		{"highs", required_argument, NULL, 'h'},
		{"timeout", required_argument, NULL, 't'},
		{"python", required_argument, NULL, 'p'},
		{"skip-national", no_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': o.highs = optarg; break;
		case 't': o.timeout = atof(optarg); break;
		case 'p': o.python = optarg; break;
		case 's': o.skip_national = true; break;
		default: usage();
		}
	}
	if (optind != argc || o.timeout <= 0)
		usage();
	if (o.highs && access(o.highs, R_OK) != 0)
		bench_fail("%s: %s", o.highs, strerror(errno));
	bench_cleanup_init();
	char *dir = bench_tmpdir("n2gg-bench-solver");
	char path[600], out[600];
	snprintf(out, sizeof out, "%s/highs.out", dir);

	/* Norfolk: every partner a candidate for every school */
	struct assign_instance norfolk;
	assign_generate(&norfolk, "norfolk", 0x4E4F52464F4C4Bull, 420, 60, 70000, 50000, 60, 8,
			10, 1, 200);
	double our_s;
	long long ours = assign_bench(&norfolk, "norfolk", 9, &our_s);
	if (o.highs) {
		snprintf(path, sizeof path, "%s/norfolk.txt", dir);
		assign_write(&norfolk, path);
		struct highs_run h;
		highs_run(&o, path, out, &h);
		highs_report("norfolk", &h, ours, our_s);
	}
	assign_free(&norfolk);

	if (!o.skip_national) {
		struct assign_instance national;
		assign_generate(&national, "national", 0x4E4154494F4E414Cull, 24000, 2500, 450000,
				300000, 30, 10, 12, 0, 100);
		long before = peak_rss_kb(RUSAGE_SELF);
		ours = assign_bench(&national, "national", 3, &our_s);
		long after = peak_rss_kb(RUSAGE_SELF);
		bench_result("solver_peak_rss_kb", "%ld", after);
		bench_result("solver_national_rss_growth_kb", "%ld", after - before);
		if (o.highs) {
			snprintf(path, sizeof path, "%s/national.txt", dir);
			assign_write(&national, path);
			struct highs_run h;
			bench_say("national: HiGHS may take minutes (timeout %g s)", o.timeout);
			highs_run(&o, path, out, &h);
			highs_report("national", &h, ours, our_s);
			bench_result("highs_peak_rss_kb", "%ld", peak_rss_kb(RUSAGE_CHILDREN));
		}
		assign_free(&national);
	} else {
		bench_result("solver_peak_rss_kb", "%ld", peak_rss_kb(RUSAGE_SELF));
	}

	/* CEPs: 46 clusters, 20 candidates each */
	struct cep_instance cep;
	cep_generate(&cep, 0x434550ull, 46, 30, 20, 1.2);
	struct cep_result cr;
	struct status st;
	status_clear(&st);
	double t0 = bench_now();
	if (cep_solve(&cep.p, &cr, &st) < 0)
		bench_fail("cep: %s", st.message);
	double cep_s = bench_now() - t0;
	int64_t checked;
	if (cep_check(&cep.p, cr.partner_of, &checked, &st) < 0 || checked != cr.objective)
		bench_fail("cep: the allocation does not check: %s", st.message);
	bench_result("cep_norfolk_s", "%.3f", cep_s);
	bench_result("cep_norfolk_objective", "%lld", (long long)cr.objective);
	bench_result("cep_norfolk_bound", "%lld", (long long)cr.bound);
	bench_result("cep_norfolk_lp_bound", "%.1f", cr.lp_bound);
	bench_result("cep_norfolk_gap", "%.6f", cr.gap);
	bench_result("cep_norfolk_optimal", "%d", cr.optimal ? 1 : 0);
	bench_result("cep_norfolk_nodes", "%ld", cr.nodes);
	bench_say("cep: 46 clusters, 30 CEPs: objective %lld, bound %lld (gap %.4f%%, %s) in "
		  "%.3f s, %ld nodes",
		  (long long)cr.objective, (long long)cr.bound, 100 * cr.gap,
		  cr.optimal ? "optimal" : "stopped at the limit", cep_s, cr.nodes);
	if (o.highs) {
		snprintf(path, sizeof path, "%s/cep.txt", dir);
		cep_write(&cep, path);
		struct highs_run h;
		highs_run(&o, path, out, &h);
		highs_report("cep_norfolk", &h, cr.objective, cep_s);
	}
	cep_result_free(&cr);
	free(cep.days);
	free(cep.capacity);
	free(cep.arcs);
	return 0;
}
