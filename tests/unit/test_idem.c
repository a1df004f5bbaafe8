/* Unit tests of the durable request ids on a scratch LMDB store: a recorded request is
 * replayed with its reply, another body under the same id is a conflict, and pruning
 * forgets exactly the ids past the retention window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idem.h"
#include "store.h"

static const char *const names[] = {"events", IDEM_DB_REQUESTS, IDEM_DB_BY_TIME};

struct fixture {
	char dir[64];
	struct store store;
	struct idem idem;
	struct arena arena;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/n2gg-idem-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	struct status st;
	assert_int_equal(store_open(&f->store, f->dir, names, 3, 1 << 20, &st), 0);
	f->idem = (struct idem){f->store.dbs[1], f->store.dbs[2], 1000};
	arena_init(&f->arena);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	store_close(&f->store);
	arena_free(&f->arena);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static int lookup(struct fixture *f, MDB_txn *txn, const char *key, const char *body,
		  const uint8_t **reply, size_t *len)
{
	uint8_t digest[IDEM_DIGEST];
	struct status st;
	idem_digest("SetFlags", body, strlen(body), digest);
	return idem_lookup(&f->idem, txn, key, digest, &f->arena, reply, len, &st);
}

static void record(struct fixture *f, MDB_txn *txn, const char *key, const char *body,
		   int64_t when, const char *reply)
{
	uint8_t digest[IDEM_DIGEST];
	struct status st;
	idem_digest("SetFlags", body, strlen(body), digest);
	assert_int_equal(idem_record(&f->idem, txn, key, digest, when, reply, strlen(reply), &st), 0);
}

static void test_replay_and_conflict(void **state)
{
	struct fixture *f = *state;
	MDB_txn *txn;
	struct status st;
	const uint8_t *reply;
	size_t len;
	assert_int_equal(store_begin_write(&f->store, &txn, &st), 0);
	assert_int_equal(lookup(f, txn, "alice\nr1", "body", &reply, &len), IDEM_NEW);
	record(f, txn, "alice\nr1", "body", 5000, "the reply");
	assert_int_equal(mdb_txn_commit(txn), 0);

	assert_int_equal(store_begin_read(&f->store, &txn, &st), 0);
	assert_int_equal(lookup(f, txn, "alice\nr1", "body", &reply, &len), IDEM_REPLAY);
	assert_int_equal(len, 9);
	assert_memory_equal(reply, "the reply", 9);
	assert_int_equal(lookup(f, txn, "alice\nr1", "other body", &reply, &len), IDEM_CONFLICT);
	assert_int_equal(lookup(f, txn, "bob\nr1", "body", &reply, &len), IDEM_NEW);
	mdb_txn_abort(txn);
}

static void test_prune_forgets_only_what_is_past_retention(void **state)
{
	struct fixture *f = *state;
	MDB_txn *txn;
	struct status st;
	const uint8_t *reply;
	size_t len, pruned;
	assert_int_equal(store_begin_write(&f->store, &txn, &st), 0);
	record(f, txn, "a\n1", "x", 1000, "r1");
	record(f, txn, "a\n2", "x", 1500, "r2");
	record(f, txn, "a\n3", "x", 2600, "r3");
	/* retention 1000 ms, now 2550: 1000 and 1500 are older than 1550 */
	assert_int_equal(idem_prune(&f->idem, txn, 2550, 1, &pruned, &st), 0);
	assert_int_equal(pruned, 1);   /* at most one per call */
	assert_int_equal(idem_prune(&f->idem, txn, 2550, 100, &pruned, &st), 0);
	assert_int_equal(pruned, 1);
	assert_int_equal(idem_prune(&f->idem, txn, 2550, 100, &pruned, &st), 0);
	assert_int_equal(pruned, 0);
	assert_int_equal(lookup(f, txn, "a\n1", "x", &reply, &len), IDEM_NEW);
	assert_int_equal(lookup(f, txn, "a\n2", "x", &reply, &len), IDEM_NEW);
	assert_int_equal(lookup(f, txn, "a\n3", "x", &reply, &len), IDEM_REPLAY);
	mdb_txn_abort(txn);
}

static void test_an_overlong_id_is_refused(void **state)
{
	struct fixture *f = *state;
	MDB_txn *txn;
	struct status st;
	char key[600];
	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	uint8_t digest[IDEM_DIGEST] = {0};
	const uint8_t *reply;
	size_t len;
	assert_int_equal(store_begin_write(&f->store, &txn, &st), 0);
	assert_int_equal(idem_lookup(&f->idem, txn, key, digest, &f->arena, &reply, &len, &st),
			 -STATUS_INVALID_ARGUMENT);
	mdb_txn_abort(txn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replay_and_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_forgets_only_what_is_past_retention, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_an_overlong_id_is_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
