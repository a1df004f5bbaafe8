/* arena: a bump allocator for the life of one request or one import row. Everything a
 * request unpacks or builds (protobuf-c messages, strings) comes from its arena and is
 * freed at once by arena_reset(), so no message is freed field by field. It also serves
 * as a ProtobufCAllocator for protobuf_c_message_unpack(). */
#ifndef N2GG_ARENA_H
#define N2GG_ARENA_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used_total;
	ProtobufCAllocator pb;  /* allocator_data points back at this arena */
};

void arena_init(struct arena *a);
/* Frees every block but the first, which is kept for reuse. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);

/* Aborts the process on out-of-memory: an arena user cannot recover half-built state. */
void *arena_alloc(struct arena *a, size_t size);
void *arena_zalloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Makes room for one more element in an arena-backed array holding `count` elements in a
 * capacity of *cap (0 for a new array), doubling when full; returns the array, moved when
 * it grew. */
void *arena_grow(struct arena *a, void *items, size_t count, size_t *cap, size_t elem_size);

/* Allocates and initialises a protobuf-c message of the given descriptor. */
void *arena_message(struct arena *a, const ProtobufCMessageDescriptor *desc);

/* Deep copy of a message into the arena (through pack/unpack). */
void *arena_message_copy(struct arena *a, const ProtobufCMessage *msg);

/* Packs a message into arena memory. */
void *arena_pack(struct arena *a, const ProtobufCMessage *msg, size_t *len);

#endif
