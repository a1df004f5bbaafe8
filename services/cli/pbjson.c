/* pbjson: protobuf-c messages to jansson values by descriptor (see pbjson.h). */
#include "pbjson.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *pbjson_base64(const ProtobufCBinaryData *b)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = (b->len + 2) / 3 * 4;
	char *out = malloc(len + 1);
	if (!out)
		return json_null();
	size_t o = 0;
	for (size_t i = 0; i < b->len; i += 3) {
		uint32_t v = (uint32_t)b->data[i] << 16;
		if (i + 1 < b->len)
			v |= (uint32_t)b->data[i + 1] << 8;
		if (i + 2 < b->len)
			v |= b->data[i + 2];
		out[o++] = digits[v >> 18 & 63];
		out[o++] = digits[v >> 12 & 63];
		out[o++] = i + 1 < b->len ? digits[v >> 6 & 63] : '=';
		out[o++] = i + 2 < b->len ? digits[v & 63] : '=';
	}
	out[o] = '\0';
	json_t *s = json_stringn(out, o);
	free(out);
	return s;
}

/* protobuf-c does not check that strings are UTF-8, and jansson refuses those that are
 * not; such text most likely came from a Windows spreadsheet, so it is read as Latin-1
 * rather than dropped. */
static json_t *pbjson_string(const char *s)
{
	if (!s)
		return json_string("");
	json_t *j = json_string(s);
	if (j)
		return j;
	size_t len = strlen(s);
	char *utf8 = malloc(len * 2 + 1);
	if (!utf8)
		return json_null();
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80) {
			utf8[o++] = (char)*p;
		} else {
			utf8[o++] = (char)(0xc0 | *p >> 6);
			utf8[o++] = (char)(0x80 | (*p & 0x3f));
		}
	}
	j = json_stringn(utf8, o);
	free(utf8);
	return j ? j : json_null();
}

static json_t *pbjson_real(double v)
{
	/* JSON has no NaN or infinity */
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *pbjson_uint64(uint64_t v)
{
	if (v <= (uint64_t)LLONG_MAX)   /* json_int_t is long long wherever we build */
		return json_integer((json_int_t)v);
	char text[24];
	snprintf(text, sizeof text, "%llu", (unsigned long long)v);
	return json_string(text);
}

static json_t *pbjson_enum(const ProtobufCEnumDescriptor *desc, int value)
{
	const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(desc, value);
	return ev ? json_string(ev->name) : json_integer(value);
}

/* One value of field `f` stored at `p` (the field itself, or one element of its array). */
static json_t *pbjson_value(const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32: return json_integer(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32: return json_integer(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64: return json_integer(*(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64: return pbjson_uint64(*(const uint64_t *)p);
	case PROTOBUF_C_TYPE_FLOAT: return pbjson_real(*(const float *)p);
	case PROTOBUF_C_TYPE_DOUBLE: return pbjson_real(*(const double *)p);
	case PROTOBUF_C_TYPE_BOOL: return json_boolean(*(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_ENUM: return pbjson_enum(f->descriptor, *(const int *)p);
	case PROTOBUF_C_TYPE_STRING: return pbjson_string(*(char *const *)p);
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *b = p;
		return b->len <= PBJSON_BYTES_MAX ? pbjson_base64(b) : json_null();
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *m = *(ProtobufCMessage *const *)p;
		return m ? pbjson_message(m) : json_null();
	}
	}
	return json_null();
}

static size_t pbjson_element_size(ProtobufCType type)
{
	switch (type) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE: return 8;
	case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING: return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE: return sizeof(ProtobufCMessage *);
	default: return 4;   /* the 32-bit integers, float and enum */
	}
}

static json_t *pbjson_repeated(const ProtobufCFieldDescriptor *f, const char *base)
{
	size_t n = *(const size_t *)(base + f->quantifier_offset);
	const char *items = *(char *const *)(base + f->offset);
	size_t size = pbjson_element_size(f->type);
	json_t *array = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(array, pbjson_value(f, items + i * size));
	return array;
}

json_t *pbjson_message(const ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	const char *base = (const char *)msg;
	json_t *obj = json_object();
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		json_t *v;
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			if (*(const uint32_t *)(base + f->quantifier_offset) != f->id)
				continue;
			v = pbjson_value(f, base + f->offset);
		} else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			v = pbjson_repeated(f, base);
		} else {
			v = pbjson_value(f, base + f->offset);
		}
		json_object_set_new(obj, f->name, v);
	}
	return obj;
}
