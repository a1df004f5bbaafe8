/* role: role names and checks (see role.h). */
#include "role.h"

#include <stdio.h>
#include <string.h>

static const char *const role_names[] = {"reader",  "officer", "importer", "publisher",
					 "admin",   "service", "gateway"};
#define ROLE_COUNT (sizeof role_names / sizeof *role_names)

const char *role_name(unsigned role)
{
	for (size_t i = 0; i < ROLE_COUNT; i++)
		if (role == 1u << i)
			return role_names[i];
	return "?";
}

unsigned role_parse(const char *text, char *unknown, size_t size)
{
	unsigned roles = 0;
	size_t used = 0;
	if (size)
		unknown[0] = '\0';
	const char *p = text;
	while (*p) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		size_t len = strcspn(p, ", \t");
		if (!len)
			break;
		size_t i = 0;
		while (i < ROLE_COUNT && !(strlen(role_names[i]) == len && !strncmp(role_names[i], p, len)))
			i++;
		if (i < ROLE_COUNT) {
			roles |= 1u << i;
		} else if (size) {
			int n = snprintf(unknown + used, size - used, "%s%.*s", used ? "," : "", (int)len, p);
			if (n > 0 && used + (size_t)n < size)
				used += (size_t)n;
		}
		p += len;
	}
	return roles;
}

const char *role_list(unsigned roles, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ROLE_COUNT; i++) {
		if (!(roles & (1u << i)))
			continue;
		int n = snprintf(buf + used, size - used, "%s%s", used ? "," : "", role_names[i]);
		if (n < 0 || used + (size_t)n >= size)
			break;
		used += (size_t)n;
	}
	if (!used)
		snprintf(buf, size, "none");
	return buf;
}

bool role_allows(unsigned have, unsigned need)
{
	return (have & ROLE_ADMIN) || (have & need) == need;
}
