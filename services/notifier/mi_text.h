/* mi_text: an Action sheet's questionnaire and a school's answers as an officer writes them
 * in a text file, read into the messages the notifier takes. Pure: the caller reads the
 * file.
 *
 * A questionnaire: each question starts with its number ("1." or "1)"); a line
 * "options: A | B | C" under it makes it a choice among those; other lines carry on the
 * question's text (joined by a space). Answers: each starts with the question's number
 * ("1:", "1." or "1)"); other lines carry on the answer (joined by a new line). In both,
 * blank lines and lines starting with '#' are skipped. */
#ifndef N2GG_MI_TEXT_H
#define N2GG_MI_TEXT_H

#include <stddef.h>

#include "arena.h"
#include "n2gg/v1/notifier.pb-c.h"
#include "status.h"

/* The questions, in the arena, checked as mi_questions_check() does; INVALID_ARGUMENT
 * "line N: ..." for text that is not a questionnaire. */
int mi_text_questions(const char *text, struct arena *a, N2gg__V1__MiQuestion ***out,
		      size_t *count, struct status *st);

/* The answers, in the arena, in the order written (the notifier checks them against the
 * sheet); INVALID_ARGUMENT "line N: ..." for text that is not a list of answers. */
int mi_text_answers(const char *text, struct arena *a, N2gg__V1__MiAnswer ***out,
		    size_t *count, struct status *st);

#endif
