/* csvwrite: CSV records for people to open in a spreadsheet (CLI and dashboard exports).
 * Pure: writes to the FILE given. */
#ifndef N2GG_CSVWRITE_H
#define N2GG_CSVWRITE_H

#include <stddef.h>
#include <stdio.h>

/* One record as RFC 4180 has it (a cell holding a comma, a quote, a line break or spaces
 * at either end is quoted by libcsv, its quotes doubled; CRLF after it), NULL as empty.
 * A cell of free text that a spreadsheet would take for a formula (starting with '=', '+',
 * '-', '@', a tab or a CR, and not a number) is written with a leading apostrophe, so that
 * an answer typed as "=HYPERLINK(...)" is shown, never run (OWASP's CSV injection). */
void csvwrite_row(FILE *out, const char *const *cells, size_t n);

#endif
