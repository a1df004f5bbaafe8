/* arena_fixture: the cmocka setup/teardown that gives each test a fresh arena as *state. */
#ifndef N2GG_ARENA_FIXTURE_H
#define N2GG_ARENA_FIXTURE_H

#include <stdlib.h>

#include "arena.h"

static int arena_fixture_setup(void **state)
{
	struct arena *a = malloc(sizeof *a);
	if (!a)
		return -1;
	arena_init(a);
	*state = a;
	return 0;
}

static int arena_fixture_teardown(void **state)
{
	arena_free(*state);
	free(*state);
	return 0;
}

#endif
