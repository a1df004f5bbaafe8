/* n2gg-assign-tool: solves one allocation instance from a text file (or stdin) and prints
 * the result; for operations and for the cross-check against an independent solver.
 *
 *   n2gg-assign-tool [--quiet] [FILE]
 *
 * Input: whitespace-separated numbers; '#' starts a comment running to the end of the line.
 *
 *   assign SCHOOLS PARTNERS ARCS LOAD_WEIGHT UNSERVED_COST
 *   CAPACITY PREASSIGNED        one per partner, in order (capacity counts the preassigned)
 *   SCHOOL PARTNER COST         one per arc (indices from 0)
 *
 *   cep CLUSTERS PARTNERS ARCS UNSERVED_COST [TIME_LIMIT_MS [NODE_LIMIT]]
 *   DAYS                        one per cluster
 *   CAPACITY                    one per partner, in days
 *   CLUSTER PARTNER COST        one per arc
 *
 * Output: `name value` lines (objective, its parts, counts, seconds; for assign the
 * certificate, `certificate ok` or `certificate failed: ...`; for cep the bound, LP bound,
 * gap and whether it is proven optimal), then, unless --quiet, `school I PARTNER` or
 * `cluster I PARTNER` per school or cluster (-1: unserved). Exit status 0; 1 for unusable
 * input or a failed solve; 3 when the certificate does not check. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assign.h"
#include "cep.h"

struct reader {
	char *text;
	size_t len, pos;
	int line;
};

static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap) {
			if (ferror(f)) {
				free(buf);
				return NULL;
			}
			break;
		}
		cap *= 2;
		char *grown = realloc(buf, cap + 1);
		if (!grown)
			free(buf);
		buf = grown;
	}
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

/* The next token, or NULL at the end; skips blanks and comments. */
static const char *next_token(struct reader *r, size_t *tlen)
{
	for (;;) {
		while (r->pos < r->len && strchr(" \t\r\n", r->text[r->pos])) {
			if (r->text[r->pos] == '\n')
				r->line++;
			r->pos++;
		}
		if (r->pos < r->len && r->text[r->pos] == '#') {
			while (r->pos < r->len && r->text[r->pos] != '\n')
				r->pos++;
			continue;
		}
		break;
	}
	if (r->pos >= r->len)
		return NULL;
	const char *t = r->text + r->pos;
	while (r->pos < r->len && !strchr(" \t\r\n#", r->text[r->pos]))
		r->pos++;
	*tlen = (size_t)(r->text + r->pos - t);
	return t;
}

static bool next_int64(struct reader *r, const char *what, long long lo, long long hi,
		       long long *out)
{
	size_t n;
	const char *t = next_token(r, &n);
	if (!t) {
		fprintf(stderr, "n2gg-assign-tool: line %d: %s missing\n", r->line, what);
		return false;
	}
	char buf[32];
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, t, n);
	buf[n] = '\0';
	char *end;
	errno = 0;
	long long v = strtoll(buf, &end, 10);
	if (errno || *end || end == buf || v < lo || v > hi) {
		fprintf(stderr,
			"n2gg-assign-tool: line %d: %s '%s' is not a number from %lld to %lld\n",
			r->line, what, buf, lo, hi);
		return false;
	}
	*out = v;
	return true;
}

static bool next_int(struct reader *r, const char *what, int lo, int hi, int *out)
{
	long long v;
	if (!next_int64(r, what, lo, hi, &v))
		return false;
	*out = (int)v;
	return true;
}

static bool next_cost(struct reader *r, const char *what, int64_t hi, int64_t *out)
{
	long long v;
	if (!next_int64(r, what, 0, hi, &v))
		return false;
	*out = v;
	return true;
}

/* Whether another token follows on the current line. */
static bool more_on_line(struct reader *r)
{
	struct reader peek = *r;
	size_t n;
	return next_token(&peek, &n) && peek.line == r->line;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int run_assign(struct reader *r, bool quiet)
{
	struct assign_problem p = {0};
	long long n_arcs;
	if (!next_int(r, "schools", 0, ASSIGN_MAX_SCHOOLS, &p.n_schools) ||
	    !next_int(r, "partners", 0, ASSIGN_MAX_PARTNERS, &p.n_partners) ||
	    !next_int64(r, "arcs", 0, (long long)ASSIGN_MAX_ARCS, &n_arcs) ||
	    !next_cost(r, "load weight", ASSIGN_COST_MAX, &p.load_weight) ||
	    !next_cost(r, "unserved cost", ASSIGN_COST_MAX, &p.unserved_cost))
		return 1;
	int *capacity = calloc((size_t)p.n_partners + 1, sizeof *capacity);
	int *pre = calloc((size_t)p.n_partners + 1, sizeof *pre);
	struct assign_arc *arcs = malloc(((size_t)n_arcs + 1) * sizeof *arcs);
	int rc = 1;
	struct assign_result res = {0};
	if (!capacity || !pre || !arcs) {
		fprintf(stderr, "n2gg-assign-tool: out of memory\n");
		goto out;
	}
	for (int j = 0; j < p.n_partners; j++)
		if (!next_int(r, "capacity", 0, 1 << 30, &capacity[j]) ||
		    !next_int(r, "preassigned", 0, 1 << 30, &pre[j]))
			goto out;
	for (long long a = 0; a < n_arcs; a++)
		if (!next_int(r, "school", 0, p.n_schools - 1, &arcs[a].school) ||
		    !next_int(r, "partner", 0, p.n_partners - 1, &arcs[a].partner) ||
		    !next_cost(r, "cost", ASSIGN_COST_MAX, &arcs[a].cost))
			goto out;
	p.capacity = capacity;
	p.preassigned = pre;
	p.arcs = arcs;
	p.n_arcs = (size_t)n_arcs;
	struct status st;
	status_clear(&st);
	double t0 = now_s();
	if (assign_solve(&p, &res, &st) < 0) {
		fprintf(stderr, "n2gg-assign-tool: %s\n", st.message);
		goto out;
	}
	double seconds = now_s() - t0;
	char why[256] = "";
	int checked = assign_check_optimal(&p, &res, why, sizeof why);
	printf("objective %lld\narc_cost %lld\nload_cost %lld\nunserved_total %lld\n",
	       (long long)res.objective, (long long)res.arc_cost, (long long)res.load_cost,
	       (long long)res.unserved_total);
	printf("served %d\nunserved %d\nseconds %.6f\n", res.n_served, res.n_unserved, seconds);
	if (checked == 0)
		printf("certificate ok\n");
	else
		printf("certificate failed: %s\n", why);
	if (!quiet)
		for (int i = 0; i < p.n_schools; i++)
			printf("school %d %d\n", i, res.partner_of[i]);
	rc = checked == 0 ? 0 : 3;
out:
	assign_result_free(&res);
	free(capacity);
	free(pre);
	free(arcs);
	return rc;
}

static int run_cep(struct reader *r, bool quiet)
{
	struct cep_problem p = {0};
	long long n_arcs;
	if (!next_int(r, "clusters", 0, CEP_MAX_CLUSTERS, &p.n_clusters) ||
	    !next_int(r, "partners", 0, CEP_MAX_PARTNERS, &p.n_partners) ||
	    !next_int64(r, "arcs", 0, (long long)CEP_MAX_ARCS, &n_arcs) ||
	    !next_cost(r, "unserved cost", CEP_COST_MAX, &p.unserved_cost))
		return 1;
	/* optional limits, on the header line */
	if (more_on_line(r) && !next_int(r, "time limit (ms)", 0, 1 << 30, &p.time_limit_ms))
		return 1;
	if (more_on_line(r) && !next_int(r, "node limit", 0, 1 << 30, &p.node_limit))
		return 1;
	int *days = calloc((size_t)p.n_clusters + 1, sizeof *days);
	int *capacity = calloc((size_t)p.n_partners + 1, sizeof *capacity);
	struct cep_arc *arcs = malloc(((size_t)n_arcs + 1) * sizeof *arcs);
	int rc = 1;
	struct cep_result res = {0};
	if (!days || !capacity || !arcs) {
		fprintf(stderr, "n2gg-assign-tool: out of memory\n");
		goto out;
	}
	for (int c = 0; c < p.n_clusters; c++)
		if (!next_int(r, "days", 1, CEP_DAYS_MAX, &days[c]))
			goto out;
	for (int j = 0; j < p.n_partners; j++)
		if (!next_int(r, "capacity", 0, CEP_DAYS_MAX, &capacity[j]))
			goto out;
	for (long long a = 0; a < n_arcs; a++)
		if (!next_int(r, "cluster", 0, p.n_clusters - 1, &arcs[a].cluster) ||
		    !next_int(r, "partner", 0, p.n_partners - 1, &arcs[a].partner) ||
		    !next_cost(r, "cost", CEP_COST_MAX, &arcs[a].cost))
			goto out;
	p.days = days;
	p.capacity = capacity;
	p.arcs = arcs;
	p.n_arcs = (size_t)n_arcs;
	struct status st;
	status_clear(&st);
	double t0 = now_s();
	if (cep_solve(&p, &res, &st) < 0) {
		fprintf(stderr, "n2gg-assign-tool: %s\n", st.message);
		goto out;
	}
	double seconds = now_s() - t0;
	int64_t objective;
	if (cep_check(&p, res.partner_of, &objective, &st) < 0 || objective != res.objective) {
		fprintf(stderr, "n2gg-assign-tool: the allocation does not check: %s\n",
			st.message);
		rc = 3;
		goto out;
	}
	printf("objective %lld\nbound %lld\nlp_bound %.6f\ngap %.6g\noptimal %d\n",
	       (long long)res.objective, (long long)res.bound, res.lp_bound, res.gap,
	       res.optimal ? 1 : 0);
	printf("served %d\nunserved %d\nnodes %ld\nseconds %.6f\n", res.n_served, res.n_unserved,
	       res.nodes, seconds);
	if (!quiet)
		for (int c = 0; c < p.n_clusters; c++)
			printf("cluster %d %d\n", c, res.partner_of[c]);
	rc = 0;
out:
	cep_result_free(&res);
	free(days);
	free(capacity);
	free(arcs);
	return rc;
}

int main(int argc, char **argv)
{
	bool quiet = false;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quiet") == 0) {
			quiet = true;
		} else if (strcmp(argv[i], "--help") == 0 || argv[i][0] == '-' || path) {
			fprintf(stderr, "usage: n2gg-assign-tool [--quiet] [FILE]  (the format is "
					"described at the top of assign_tool.c)\n");
			return strcmp(argv[i], "--help") == 0 ? 0 : 1;
		} else {
			path = argv[i];
		}
	}
	FILE *f = path ? fopen(path, "r") : stdin;
	if (!f) {
		fprintf(stderr, "n2gg-assign-tool: %s: %s\n", path, strerror(errno));
		return 1;
	}
	struct reader r = {.line = 1};
	r.text = read_all(f, &r.len);
	if (path)
		fclose(f);
	if (!r.text) {
		fprintf(stderr, "n2gg-assign-tool: cannot read the instance\n");
		return 1;
	}
	size_t n;
	const char *mode = next_token(&r, &n);
	int rc;
	if (mode && n == 6 && memcmp(mode, "assign", 6) == 0) {
		rc = run_assign(&r, quiet);
	} else if (mode && n == 3 && memcmp(mode, "cep", 3) == 0) {
		rc = run_cep(&r, quiet);
	} else {
		fprintf(stderr,
			"n2gg-assign-tool: the instance must start with 'assign' or 'cep'\n");
		rc = 1;
	}
	free(r.text);
	return rc;
}
