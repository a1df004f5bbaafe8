/* arena: a bump allocator for the life of one request or one import row. Everything a
 * request unpacks or builds (protobuf-c messages, strings) comes from its arena and is
 * freed at once by arena_reset(), so no message is freed field by field. It also serves
 * as a ProtobufCAllocator for protobuf_c_message_unpack(). */
#ifndef N2GG_ARENA_H
#define N2GG_ARENA_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
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

/* Deep copy of a message into the arena (through pack/unpack); never NULL. When `msg` holds
 * unknown fields numbered 0 (see below), they are first dropped from it. */
void *arena_message_copy(struct arena *a, const ProtobufCMessage *msg);

/* protobuf-c 1.4 unpacks a tag of field number 0 written in more bytes than it needs
 * (0x80 0x00) as an unknown field, then packs it in one byte (0x00), which it refuses to
 * unpack: a message holding one packs into bytes that cannot be read back, so a copy of
 * it, or a record stored with it, is lost. No schema has a field 0: this drops every such
 * unknown field from msg and the messages nested in it. Call it on what arrives from
 * outside before keeping any of it. */
void arena_message_drop_field_zero(ProtobufCMessage *msg);

/* Packs a message into arena memory. */
void *arena_pack(struct arena *a, const ProtobufCMessage *msg, size_t *len);
/* Whether two messages pack to the same bytes (packing scratch in `a`). */
bool arena_same_packed(struct arena *a, const ProtobufCMessage *x, const ProtobufCMessage *y);

#endif
