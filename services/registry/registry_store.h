/* registry_store: the registry's records in its LMDB store. Schools, clusters and groups
 * are stored as their protobuf messages; memberships as one record per stretch; two
 * indexes answer "the members of a cluster" and "the events about a school". Every
 * function works inside the caller's transaction. */
#ifndef N2GG_REGISTRY_STORE_H
#define N2GG_REGISTRY_STORE_H

#include <lmdb.h>
#include <stdint.h>

#include "arena.h"
#include "n2gg/v1/registry.pb-c.h"
#include "status.h"

enum registry_db {
	REGISTRY_DB_EVENTS,          /* seq (be64) -> Event */
	REGISTRY_DB_SCHOOLS,         /* urn (be32) -> School */
	REGISTRY_DB_CLUSTERS,        /* id -> Cluster */
	REGISTRY_DB_MEMBERSHIPS,     /* urn (be32) + from_date + be32 n -> Membership */
	REGISTRY_DB_CLUSTER_MEMBERS, /* id NUL urn (be32) -> "" */
	REGISTRY_DB_SCHOOL_EVENTS,   /* urn (be32) + seq (be64) -> "" */
	REGISTRY_DB_GROUPS,          /* id -> Group */
	/* store format 2: appended last, so the databases before it keep their places */
	REGISTRY_DB_COMPARATORS,     /* year (be32) + key stage + area + la_code (be32) -> Comparator */
	REGISTRY_DB_COUNT
};

extern const char *const registry_db_names[REGISTRY_DB_COUNT];

struct registry_store {
	MDB_dbi db[REGISTRY_DB_COUNT];
};

int registry_store_get_school(const struct registry_store *rs, MDB_txn *txn, uint32_t urn,
			      struct arena *a, N2gg__V1__School **out, struct status *st);
int registry_store_put_school(const struct registry_store *rs, MDB_txn *txn,
			      const N2gg__V1__School *school, struct arena *a, struct status *st);
/* Calls fn for every school in URN order from after_urn; fn returns <0 to stop. */
int registry_store_each_school(const struct registry_store *rs, MDB_txn *txn, uint32_t after_urn,
			       struct arena *a,
			       int (*fn)(void *ctx, N2gg__V1__School *school), void *ctx,
			       struct status *st);

int registry_store_get_cluster(const struct registry_store *rs, MDB_txn *txn, const char *id,
			       struct arena *a, N2gg__V1__Cluster **out, struct status *st);
int registry_store_put_cluster(const struct registry_store *rs, MDB_txn *txn,
			       const N2gg__V1__Cluster *cluster, struct arena *a, struct status *st);
int registry_store_list_clusters(const struct registry_store *rs, MDB_txn *txn, struct arena *a,
				 N2gg__V1__Cluster ***out, size_t *count, struct status *st);
int registry_store_cluster_members(const struct registry_store *rs, MDB_txn *txn,
				   const char *id, struct arena *a, uint32_t **urns,
				   size_t *count, struct status *st);

/* Adds a stretch of membership and moves the school between the cluster indexes. */
int registry_store_add_membership(const struct registry_store *rs, MDB_txn *txn, uint32_t urn,
				  const char *from_cluster, const N2gg__V1__Membership *m,
				  struct arena *a, struct status *st);
int registry_store_memberships(const struct registry_store *rs, MDB_txn *txn, uint32_t urn,
			       struct arena *a, N2gg__V1__Membership ***out, size_t *count,
			       struct status *st);

int registry_store_index_event(const struct registry_store *rs, MDB_txn *txn, uint32_t urn,
			       uint64_t seq, struct status *st);
int registry_store_school_event_seqs(const struct registry_store *rs, MDB_txn *txn, uint32_t urn,
				     struct arena *a, uint64_t **seqs, size_t *count,
				     struct status *st);

int registry_store_get_group(const struct registry_store *rs, MDB_txn *txn, const char *id,
			     struct arena *a, N2gg__V1__Group **out, struct status *st);
int registry_store_put_group(const struct registry_store *rs, MDB_txn *txn,
			     const N2gg__V1__Group *group, struct arena *a, struct status *st);

/* An area's averages for a year and key stage, by (year, key_stage, area, la_code) of
 * `key` (its other fields are ignored); NOT_FOUND when none is kept. */
int registry_store_get_comparator(const struct registry_store *rs, MDB_txn *txn,
				  const N2gg__V1__Comparator *key, struct arena *a,
				  N2gg__V1__Comparator **out, struct status *st);
int registry_store_put_comparator(const struct registry_store *rs, MDB_txn *txn,
				  const N2gg__V1__Comparator *comparator, struct arena *a,
				  struct status *st);
/* The comparators matching every filter given (0: any), by year, key stage, area, LA. */
int registry_store_list_comparators(const struct registry_store *rs, MDB_txn *txn,
				    uint32_t year, N2gg__V1__KeyStage key_stage,
				    N2gg__V1__ComparatorArea area, struct arena *a,
				    N2gg__V1__Comparator ***out, size_t *count, struct status *st);

#endif
