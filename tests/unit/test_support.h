/* test_support: what the cmocka unit tests share — an assertion on text, and a
 * setup/teardown that gives each test a fresh arena as *state. Include after cmocka.h. */
#ifndef N2GG_TEST_SUPPORT_H
#define N2GG_TEST_SUPPORT_H

#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define assert_contains(hay, needle)                                                     \
	do {                                                                             \
		const char *h_ = (hay);                                                  \
		if (!h_ || !strstr(h_, (needle))) {                                      \
			print_error("\"%s\" does not contain \"%s\"\n", h_ ? h_ : "(null)", \
				    (needle));                                           \
			fail();                                                          \
		}                                                                        \
	} while (0)

static inline int arena_fixture_setup(void **state)
{
	struct arena *a = malloc(sizeof *a);
	if (!a)
		return -1;
	arena_init(a);
	*state = a;
	return 0;
}

static inline int arena_fixture_teardown(void **state)
{
	arena_free(*state);
	free(*state);
	return 0;
}

#endif
