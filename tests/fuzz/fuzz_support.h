/* fuzz_support: what the libFuzzer targets share. A target checks what the module promises
 * about hostile input (no crash, no leak, and the output invariants its header states) and
 * calls fuzz_fail() when a promise is broken, so that libFuzzer keeps the input as a crash. */
#ifndef N2GG_FUZZ_SUPPORT_H
#define N2GG_FUZZ_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A broken promise: says which and aborts (libFuzzer saves the input). */
#define fuzz_fail(...)                                                                     \
	do {                                                                               \
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                            \
		fprintf(stderr, __VA_ARGS__);                                              \
		fputc('\n', stderr);                                                       \
		abort();                                                                   \
	} while (0)

#define fuzz_assert(cond, ...)                                                             \
	do {                                                                               \
		if (!(cond))                                                               \
			fuzz_fail(__VA_ARGS__);                                            \
	} while (0)

/* The input as a NUL-terminated copy, for functions that take C strings (the caller frees).
 * Parsers that take (text, len) are given the input itself, so that reading one byte past
 * its end is an ASan report rather than a read of our terminator. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Whether s[0..n) is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF):
 * written here again rather than borrowed, so that a target does not check a module with
 * the module's own code. */
static inline bool fuzz_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		unsigned cp;
		size_t need;
		if (c >= 0xC2 && c <= 0xDF) {
			cp = c & 0x1F;
			need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			cp = c & 0x0F;
			need = 2;
		} else if (c >= 0xF0 && c <= 0xF4) {
			cp = c & 0x07;
			need = 3;
		} else {
			return false;
		}
		if (n - i <= need)
			return false;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += need + 1;
	}
	return true;
}

/* Splits the input into pieces at each NUL byte, for targets that take several strings
 * (the seeds are written that way): piece i is fuzz_piece(&sp, i), "" past the last one.
 * Pieces point into one NUL-terminated copy, freed by fuzz_split_free(). */
#define FUZZ_MAX_PIECES 16
struct fuzz_split {
	char *copy;
	const char *piece[FUZZ_MAX_PIECES];
	size_t len[FUZZ_MAX_PIECES];
	int count;
};

static inline void fuzz_split(struct fuzz_split *sp, const uint8_t *data, size_t size)
{
	sp->copy = fuzz_strndup(data, size);
	sp->count = 0;
	size_t start = 0;
	for (size_t i = 0; i <= size && sp->count < FUZZ_MAX_PIECES; i++) {
		if (i == size || data[i] == 0) {
			sp->piece[sp->count] = sp->copy + start;
			sp->len[sp->count] = i - start;
			sp->count++;
			start = i + 1;
		}
	}
}

static inline const char *fuzz_piece(const struct fuzz_split *sp, int i)
{
	return i < sp->count ? sp->piece[i] : "";
}

static inline void fuzz_split_free(struct fuzz_split *sp)
{
	free(sp->copy);
}

#endif
