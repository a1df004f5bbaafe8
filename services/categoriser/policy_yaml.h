/* policy_yaml: reads a categorisation policy from YAML text (libyaml), reporting every
 * problem with its line. The format is shown (and commented) by the default policy,
 * services/categoriser/policy/norfolk-2013.yaml, and described in the README.
 * Pure: it parses a buffer; reading the file is the caller's. */
#ifndef N2GG_POLICY_YAML_H
#define N2GG_POLICY_YAML_H

#include <stddef.h>

#include "policy.h"

/* Fills `p` (from policy_init) from `text`, then runs policy_check(). Returns 0 when the
 * policy is usable (warnings allowed), -1 when `r` holds at least one error. */
int policy_yaml_parse(struct policy *p, const char *text, size_t len, struct policy_report *r);

#endif
