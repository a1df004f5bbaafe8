/* utf8: well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF), for text that ends up in proto3 strings, mail and letters, all of which must
 * be UTF-8. Pure. */
#ifndef N2GG_UTF8_H
#define N2GG_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* The length (1-4) of the well-formed character at s[0..n), or 0 when the bytes there are
 * not one (a stray or invalid byte, or a character cut short by n). n must be at least 1. */
size_t utf8_sequence(const char *s, size_t n);

/* As utf8_sequence, telling apart a character cut short by n whose bytes so far are right
 * (-1): the end of a truncated file, not a byte of another encoding. */
int utf8_sequence_or_cut(const char *s, size_t n);

/* Whether s[0..n) is well-formed UTF-8 (a NUL byte counts as a character). */
bool utf8_valid(const char *s, size_t n);

/* Makes the C string s valid UTF-8 in place, keeping its length: every byte that does not
 * belong to a well-formed character becomes '?'. For messages that quote input and may
 * have been cut inside a character by a precision ("%.80s") or by their buffer's size. */
void utf8_repair(char *s);

#endif
