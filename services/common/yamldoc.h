/* yamldoc: reading a YAML document (libyaml's node tree, which keeps each node's line)
 * into a service's plain structs: typed look-ups that report every problem with its line
 * through the caller's callback, and refuse unknown keys, so a typo in a policy file is
 * an error rather than a silently ignored setting. Pure: parses a buffer. */
#ifndef N2GG_YAMLDOC_H
#define N2GG_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

struct yamldoc {
	yaml_document_t doc;
	bool loaded;
	void (*report)(void *ctx, int line, const char *message);
	void *ctx;
	int errors;
};

/* Loads `text`; a syntax error is reported (with its line) and returns -1. The root node
 * (NULL for an empty document) goes to *root. */
int yamldoc_load(struct yamldoc *d, const char *text, size_t len, yaml_node_t **root);
void yamldoc_free(struct yamldoc *d);

void yamldoc_error(struct yamldoc *d, const yaml_node_t *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int yamldoc_line(const yaml_node_t *n);
const char *yamldoc_scalar(const yaml_node_t *n);
bool yamldoc_is_map(const yaml_node_t *n);
bool yamldoc_is_seq(const yaml_node_t *n);
int yamldoc_seq_len(const yaml_node_t *n);
yaml_node_t *yamldoc_seq_item(struct yamldoc *d, const yaml_node_t *seq, int i);
/* The value of `key` in a mapping, or NULL. */
yaml_node_t *yamldoc_get(struct yamldoc *d, const yaml_node_t *map, const char *key);
/* The key node itself: the line to blame for a value that spans lines. */
yaml_node_t *yamldoc_get_key(struct yamldoc *d, const yaml_node_t *map, const char *key);
/* Reports every key of `map` not in `allowed` (NULL-terminated), and every key given twice
 * (which would otherwise silently win or lose); -1 when there was one. */
int yamldoc_check_keys(struct yamldoc *d, const yaml_node_t *map, const char *what,
		       const char *const *allowed);

/* Typed values: report and return -1 when absent (n NULL), of the wrong type or out of
 * range. `what` names the setting in the message. */
const char *yamldoc_text(struct yamldoc *d, const yaml_node_t *n, const yaml_node_t *parent,
			 const char *what);
int yamldoc_number(struct yamldoc *d, const yaml_node_t *n, const yaml_node_t *parent,
		   const char *what, double min, double max, double *out);
int yamldoc_whole(struct yamldoc *d, const yaml_node_t *n, const yaml_node_t *parent,
		  const char *what, long min, long max, long *out);
int yamldoc_bool(struct yamldoc *d, const yaml_node_t *n, const yaml_node_t *parent,
		 const char *what, bool *out);
/* "true"/"yes" and "false"/"no", any case. */
int yamldoc_parse_bool(const char *s, bool *out);

#endif
