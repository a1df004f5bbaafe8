/* role: what a principal may do. Each API method names the one role it needs; a principal
 * holds a set of roles (from its certificate's metadata), and `admin` stands for all. */
#ifndef N2GG_ROLE_H
#define N2GG_ROLE_H

#include <stdbool.h>
#include <stddef.h>

enum role {
	ROLE_READER = 1u << 0,     /* reads: schools, categories, allocations, notices */
	ROLE_OFFICER = 1u << 1,    /* an LA officer's changes: flags, overrides, pins, partners */
	ROLE_IMPORTER = 1u << 2,   /* file imports into the registry */
	ROLE_PUBLISHER = 1u << 3,  /* MI sheets: letters to every school in an audience */
	ROLE_ADMIN = 1u << 4,      /* everything, including policy reloads */
	ROLE_SERVICE = 1u << 5,    /* a peer service: reads another service's events */
	ROLE_GATEWAY = 1u << 6,    /* a front end that acts for a named person */
};

#define ROLE_ALL 0x7fu

/* Parses "reader, officer" (',' or ' ' between names). Unknown names are skipped and
 * written, comma separated, to `unknown` (size bytes; "" when none). */
unsigned role_parse(const char *text, char *unknown, size_t size);
/* "reader,officer" into buf. */
const char *role_list(unsigned roles, char *buf, size_t size);
const char *role_name(unsigned role);
/* A principal holding `have` may use what needs `need`. */
bool role_allows(unsigned have, unsigned need);

#endif
