/* arena: per-request bump allocation (see arena.h). */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_MIN (64 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t size;
	size_t used;
	max_align_t data[];
};

static void *arena_pb_alloc(void *data, size_t size) { return arena_alloc(data, size); }
static void arena_pb_free(void *data, void *ptr) { (void)data; (void)ptr; }

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->used_total = 0;
	a->pb.alloc = arena_pb_alloc;
	a->pb.free = arena_pb_free;
	a->pb.allocator_data = a;
}

void arena_reset(struct arena *a)
{
	struct arena_block *b = a->head;
	if (!b)
		return;
	while (b->next) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	/* keep the oldest (last in the chain) block: it is the smallest, the common case */
	b->used = 0;
	a->head = b;
	a->used_total = 0;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->used_total = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
	size_t align = sizeof(max_align_t);
	size = (size + align - 1) & ~(align - 1);
	if (size == 0)
		size = align;
	struct arena_block *b = a->head;
	if (!b || b->size - b->used < size) {
		size_t want = size > ARENA_BLOCK_MIN ? size : ARENA_BLOCK_MIN;
		if (b && b->size * 2 > want && b->size < (64u << 20))
			want = b->size * 2;
		struct arena_block *nb = malloc(sizeof *nb + want);
		if (!nb) {
			fprintf(stderr, "n2gg: out of memory allocating %zu bytes\n", want);
			abort();
		}
		nb->size = want;
		nb->used = 0;
		nb->next = b;
		a->head = nb;
		b = nb;
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	a->used_total += size;
	return p;
}

void *arena_zalloc(struct arena *a, size_t size)
{
	void *p = arena_alloc(a, size);
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void *arena_grow(struct arena *a, void *items, size_t count, size_t *cap, size_t elem_size)
{
	if (items && count < *cap)
		return items;
	size_t grown_cap = *cap ? *cap * 2 : 16;
	void *grown = arena_alloc(a, grown_cap * elem_size);
	if (count)
		memcpy(grown, items, count * elem_size);
	*cap = grown_cap;
	return grown;
}

void *arena_message(struct arena *a, const ProtobufCMessageDescriptor *desc)
{
	ProtobufCMessage *m = arena_alloc(a, desc->sizeof_message);
	desc->message_init(m);
	return m;
}

void *arena_pack(struct arena *a, const ProtobufCMessage *msg, size_t *len)
{
	*len = protobuf_c_message_get_packed_size(msg);
	uint8_t *buf = arena_alloc(a, *len ? *len : 1);
	protobuf_c_message_pack(msg, buf);
	return buf;
}

bool arena_same_packed(struct arena *a, const ProtobufCMessage *x, const ProtobufCMessage *y)
{
	size_t nx, ny;
	const void *px = arena_pack(a, x, &nx), *py = arena_pack(a, y, &ny);
	return nx == ny && memcmp(px, py, nx) == 0;
}

void arena_message_drop_field_zero(ProtobufCMessage *msg)
{
	size_t kept = 0;
	for (size_t i = 0; i < msg->n_unknown_fields; i++)
		if (msg->unknown_fields[i].tag != 0)
			msg->unknown_fields[kept++] = msg->unknown_fields[i];
	msg->n_unknown_fields = (unsigned)kept;
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	for (unsigned f = 0; f < d->n_fields; f++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[f];
		if (fd->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		char *at = (char *)msg + fd->offset;
		if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(size_t *)((char *)msg + fd->quantifier_offset);
			ProtobufCMessage **items = *(ProtobufCMessage ***)at;
			for (size_t i = 0; i < n; i++)
				if (items[i])
					arena_message_drop_field_zero(items[i]);
		} else {
			/* a oneof member counts only when it is the case set */
			if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF &&
			    *(uint32_t *)((char *)msg + fd->quantifier_offset) != fd->id)
				continue;
			ProtobufCMessage *sub = *(ProtobufCMessage **)at;
			if (sub)
				arena_message_drop_field_zero(sub);
		}
	}
}

void *arena_message_copy(struct arena *a, const ProtobufCMessage *msg)
{
	size_t len;
	void *buf = arena_pack(a, msg, &len);
	void *copy = protobuf_c_message_unpack(msg->descriptor, &a->pb, len, buf);
	if (copy)
		return copy;
	/* Only what protobuf-c itself read can fail to read back: a "field 0" (see arena.h).
	 * Callers take a copy for granted, so it is made without those. */
	arena_message_drop_field_zero((ProtobufCMessage *)msg);
	buf = arena_pack(a, msg, &len);
	copy = protobuf_c_message_unpack(msg->descriptor, &a->pb, len, buf);
	/* and should protobuf-c still not read what it wrote, an empty message is no copy but
	 * is refused by the caller's checks like any message missing its fields */
	return copy ? copy : arena_message(a, msg->descriptor);
}
