/* Unit tests of store and eventlog on a scratch LMDB directory: the map grows instead of
 * failing, the event log is gapless across commits, rollbacks and reopening. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eventlog.h"
#include "store.h"

static const char *const names[] = {"events", "data"};

struct fixture {
	char dir[64];
	struct store store;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/n2gg-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	struct status st;
	/* a 256 KiB map: every test below outgrows it */
	assert_int_equal(store_open(&f->store, f->dir, names, 2, 256 << 10, &st), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	store_close(&f->store);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

struct bulk {
	struct store *store;
	int from, count;
};

static int put_bulk(void *ctx, MDB_txn *txn, struct status *st)
{
	struct bulk *b = ctx;
	char value[1000];
	memset(value, 'x', sizeof value);
	for (int i = b->from; i < b->from + b->count; i++) {
		uint8_t key[4];
		store_be32(key, (uint32_t)i);
		int rc = store_put(txn, b->store->dbs[1], key, sizeof key, value, sizeof value, 0, st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void test_a_full_map_grows_and_the_write_lands(void **state)
{
	struct fixture *f = *state;
	struct status st;
	struct bulk b = {&f->store, 0, 5000};   /* ~5 MB into a 256 KiB map */
	assert_int_equal(store_write(&f->store, put_bulk, &b, &st), 0);
	assert_true(f->store.grow_count > 0);
	MDB_txn *txn;
	MDB_stat stat;
	assert_int_equal(store_begin_read(&f->store, &txn, &st), 0);
	mdb_stat(txn, f->store.dbs[1], &stat);
	mdb_txn_abort(txn);
	assert_int_equal(stat.ms_entries, 5000);
}

static int append_three(void *ctx, MDB_txn *txn, struct status *st)
{
	struct eventlog *log = ctx;
	N2gg__V1__Heartbeat payload = N2GG__V1__HEARTBEAT__INIT;
	payload.source = "test";
	for (int i = 0; i < 3; i++) {
		int rc = eventlog_append(log, txn, "test.happened", "tester", &payload.base, NULL, st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* What goes to the PUB socket: committed events, in order, none rolled back. */
static void count_published(void *ctx, const struct eventlog_entry *e)
{
	int *n = ctx;
	(*n)++;
	assert_int_equal(e->seq, *n);
}

static void test_event_log_is_gapless_through_rollback_and_reopen(void **state)
{
	struct fixture *f = *state;
	struct status st;
	struct eventlog log;
	MDB_txn *txn;
	assert_int_equal(store_begin_read(&f->store, &txn, &st), 0);
	assert_int_equal(eventlog_open(&log, txn, f->store.dbs[0], "test", &st), 0);
	mdb_txn_abort(txn);
	assert_int_equal(log.head, 0);

	assert_int_equal(store_write(&f->store, append_three, &log, &st), 0);
	eventlog_committed(&log);
	assert_int_equal(log.head, 3);

	/* a nested transaction rolled back takes its events with it */
	assert_int_equal(store_begin_write(&f->store, &txn, &st), 0);
	struct eventlog_mark mark = eventlog_mark(&log);
	MDB_txn *child;
	assert_int_equal(mdb_txn_begin(f->store.env, txn, 0, &child), 0);
	assert_int_equal(append_three(&log, child, &st), 0);
	mdb_txn_abort(child);
	eventlog_rollback(&log, mark);
	assert_int_equal(append_three(&log, txn, &st), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	eventlog_committed(&log);
	assert_int_equal(log.head, 6);
	int published = 0;
	eventlog_drain(&log, count_published, &published);
	assert_int_equal(published, 6);
	eventlog_close(&log);

	/* reopened, the log reads back 1..6 in order */
	struct arena a;
	arena_init(&a);
	assert_int_equal(store_begin_read(&f->store, &txn, &st), 0);
	assert_int_equal(eventlog_open(&log, txn, f->store.dbs[0], "test", &st), 0);
	assert_int_equal(log.head, 6);
	N2gg__V1__ReadEventsReply page = N2GG__V1__READ_EVENTS_REPLY__INIT;
	assert_int_equal(eventlog_read(&log, txn, 2, 10, 1 << 20, &a, &page, &st), 0);
	mdb_txn_abort(txn);
	assert_int_equal(page.n_events, 4);
	for (size_t i = 0; i < page.n_events; i++) {
		assert_int_equal(page.events[i]->seq, 3 + i);
		assert_string_equal(page.events[i]->topic, "test.happened");
		assert_string_equal(page.events[i]->actor, "tester");
	}
	assert_int_equal(page.head_seq, 6);
	eventlog_close(&log);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_full_map_grows_and_the_write_lands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_log_is_gapless_through_rollback_and_reopen,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
