/* utf8: well-formed UTF-8 (see utf8.h). */
#include "utf8.h"

#include <string.h>

int utf8_sequence_or_cut(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t need;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		lo = c == 0xE0 ? 0xA0 : lo;   /* no overlong forms */
		hi = c == 0xED ? 0x9F : hi;   /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		lo = c == 0xF0 ? 0x90 : lo;
		hi = c == 0xF4 ? 0x8F : hi;   /* nothing past U+10FFFF */
	} else {
		return 0;
	}
	for (size_t k = 1; k <= need; k++) {
		if (k >= n)
			return -1;
		unsigned char b = s[k];
		if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
			return 0;
	}
	return (int)need + 1;
}

size_t utf8_sequence(const char *s, size_t n)
{
	int k = utf8_sequence_or_cut(s, n);
	return k > 0 ? (size_t)k : 0;
}

bool utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t k = utf8_sequence(s + i, n - i);
		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

void utf8_repair(char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		size_t k = utf8_sequence(s + i, len - i);
		if (k == 0)
			s[i++] = '?';
		else
			i += k;
	}
}
