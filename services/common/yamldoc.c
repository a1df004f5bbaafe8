/* yamldoc: typed reading of a YAML document with line-numbered problems (see yamldoc.h). */
#include "yamldoc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

int yamldoc_load(struct yamldoc *d, const char *text, size_t len, yaml_node_t **root)
{
	yaml_parser_t parser;
	*root = NULL;
	d->loaded = false;
	if (!yaml_parser_initialize(&parser)) {
		yamldoc_error(d, NULL, "out of memory");
		return -1;
	}
	/* An empty protobuf bytes field (CheckPolicy's text) arrives as NULL, on which libyaml
	 * aborts the process by assertion: it is read as the empty document it is. */
	static const unsigned char empty[1];
	yaml_parser_set_input_string(&parser, text ? (const unsigned char *)text : empty,
				     text ? len : 0);
	if (!yaml_parser_load(&parser, &d->doc)) {
		d->errors++;
		char msg[256];
		snprintf(msg, sizeof msg, "YAML syntax: %s%s%s",
			 parser.problem ? parser.problem : "error", parser.context ? " " : "",
			 parser.context ? parser.context : "");
		d->report(d->ctx, (int)parser.problem_mark.line + 1, msg);
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_parser_delete(&parser);
	d->loaded = true;
	*root = yaml_document_get_root_node(&d->doc);
	return 0;
}

void yamldoc_free(struct yamldoc *d)
{
	if (d->loaded)
		yaml_document_delete(&d->doc);
	d->loaded = false;
}

void yamldoc_error(struct yamldoc *d, const yaml_node_t *at, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	utf8_repair(msg);   /* a long key quoted whole is cut at 255 bytes, maybe mid-character */
	d->errors++;
	d->report(d->ctx, yamldoc_line(at), msg);
}

int yamldoc_line(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

const char *yamldoc_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

bool yamldoc_is_map(const yaml_node_t *n)
{
	return n && n->type == YAML_MAPPING_NODE;
}

bool yamldoc_is_seq(const yaml_node_t *n)
{
	return n && n->type == YAML_SEQUENCE_NODE;
}

int yamldoc_seq_len(const yaml_node_t *n)
{
	return yamldoc_is_seq(n) ? (int)(n->data.sequence.items.top - n->data.sequence.items.start)
				 : 0;
}

yaml_node_t *yamldoc_seq_item(struct yamldoc *d, const yaml_node_t *seq, int i)
{
	return yaml_document_get_node(&d->doc, seq->data.sequence.items.start[i]);
}

static yaml_node_pair_t *yamldoc_pair(struct yamldoc *d, const yaml_node_t *map, const char *key)
{
	if (!yamldoc_is_map(map))
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k = yamldoc_scalar(yaml_document_get_node(&d->doc, p->key));
		if (k && strcmp(k, key) == 0)
			return p;
	}
	return NULL;
}

yaml_node_t *yamldoc_get(struct yamldoc *d, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p = yamldoc_pair(d, map, key);
	return p ? yaml_document_get_node(&d->doc, p->value) : NULL;
}

yaml_node_t *yamldoc_get_key(struct yamldoc *d, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p = yamldoc_pair(d, map, key);
	return p ? yaml_document_get_node(&d->doc, p->key) : NULL;
}

int yamldoc_check_keys(struct yamldoc *d, const yaml_node_t *map, const char *what,
		       const char *const *allowed)
{
	int bad = 0;
	if (!yamldoc_is_map(map))
		return 0;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(&d->doc, p->key);
		const char *key = yamldoc_scalar(k);
		bool ok = false;
		for (int i = 0; key && allowed[i] && !ok; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (!ok) {
			yamldoc_error(d, k, "unknown key '%s' in %s", key ? key : "?", what);
			bad = -1;
			continue;
		}
		if (yamldoc_pair(d, map, key) != p) {   /* the first of that name is another */
			yamldoc_error(d, k, "'%s' appears twice in %s", key, what);
			bad = -1;
		}
	}
	return bad;
}

const char *yamldoc_text(struct yamldoc *d, const yaml_node_t *n, const yaml_node_t *parent,
			 const char *what)
{
	const char *s = yamldoc_scalar(n);
	if (!s || !*s) {
		yamldoc_error(d, n ? n : parent, "%s must be a non-empty text", what);
		return NULL;
	}
	return s;
}

int yamldoc_number(struct yamldoc *d, const yaml_node_t *n, const yaml_node_t *parent,
		   const char *what, double min, double max, double *out)
{
	const char *s = yamldoc_scalar(n);
	char *end = NULL;
	errno = 0;
	double v = s && *s ? strtod(s, &end) : 0;
	if (!s || !*s || errno || *end || !isfinite(v)) {
		yamldoc_error(d, n ? n : parent, "%s must be a number", what);
		return -1;
	}
	if (v < min || v > max) {
		yamldoc_error(d, n, "%s is %g, out of range (%g to %g)", what, v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int yamldoc_whole(struct yamldoc *d, const yaml_node_t *n, const yaml_node_t *parent,
		  const char *what, long min, long max, long *out)
{
	double v;
	if (yamldoc_number(d, n, parent, what, (double)min, (double)max, &v) < 0)
		return -1;
	if (v != floor(v)) {
		yamldoc_error(d, n, "%s must be a whole number, not %g", what, v);
		return -1;
	}
	*out = (long)v;
	return 0;
}

int yamldoc_parse_bool(const char *s, bool *out)
{
	if (s && (!strcasecmp(s, "true") || !strcasecmp(s, "yes"))) {
		*out = true;
		return 0;
	}
	if (s && (!strcasecmp(s, "false") || !strcasecmp(s, "no"))) {
		*out = false;
		return 0;
	}
	return -1;
}

int yamldoc_bool(struct yamldoc *d, const yaml_node_t *n, const yaml_node_t *parent,
		 const char *what, bool *out)
{
	if (yamldoc_parse_bool(yamldoc_scalar(n), out) < 0) {
		yamldoc_error(d, n ? n : parent, "%s is true or false", what);
		return -1;
	}
	return 0;
}
