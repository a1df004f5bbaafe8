/* csvwrite: CSV records for spreadsheets (see csvwrite.h). */
#include "csvwrite.h"

#include <csv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool csvwrite_is_number(const char *s)
{
	char *end;
	if (!s[0])
		return false;
	(void)strtod(s, &end);
	return *end == '\0';
}

/* A spreadsheet evaluates a cell that starts with one of these; "-3.5" is only a number. */
static bool csvwrite_formula(const char *s)
{
	return s[0] && strchr("=+-@\t\r", s[0]) && !csvwrite_is_number(s);
}

void csvwrite_row(FILE *out, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *c = cells[i] ? cells[i] : "";
		size_t len = strlen(c);
		bool formula = csvwrite_formula(c);
		bool quote = formula || strpbrk(c, ",\"\r\n") ||
			     (len && (c[0] == ' ' || c[len - 1] == ' '));
		if (i)
			fputc(',', out);
		if (!quote) {
			fputs(c, out);
			continue;
		}
		if (!formula) {
			csv_fwrite(out, c, len);
			continue;
		}
		char *shown = malloc(len + 2);
		if (!shown) {
			fputs("\"'\"", out);   /* out of memory: the cell is lost, not run */
			continue;
		}
		shown[0] = '\'';
		memcpy(shown + 1, c, len + 1);
		csv_fwrite(out, shown, len + 1);
		free(shown);
	}
	fputs("\r\n", out);
}
