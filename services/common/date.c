/* date: civil-date arithmetic (Howard Hinnant's days_from_civil) and parsing. */
#include "date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int date_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void date_to_ymd(int z, int *year, int *month, int *day)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int y = yoe + era * 400;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int d = doy - (153 * mp + 2) / 5 + 1;
	int m = mp + (mp < 10 ? 3 : -9);
	*year = y + (m <= 2);
	*month = m;
	*day = d;
}

bool date_valid_ymd(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1800 || y > 2999 || m < 1 || m > 12 || d < 1)
		return false;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

static int parse_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int date_parse(const char *text, int *days)
{
	int y, m, d;
	size_t len = strlen(text);
	if (len == 10 && text[4] == '-' && text[7] == '-') {
		y = parse_digits(text, 4);
		m = parse_digits(text + 5, 2);
		d = parse_digits(text + 8, 2);
	} else if (len == 10 && (text[2] == '-' || text[2] == '/') && text[5] == text[2]) {
		d = parse_digits(text, 2);
		m = parse_digits(text + 3, 2);
		y = parse_digits(text + 6, 4);
	} else {
		return -1;
	}
	if (y < 0 || m < 0 || d < 0 || !date_valid_ymd(y, m, d))
		return -1;
	*days = date_from_ymd(y, m, d);
	return 0;
}

char *date_format(int days, char *out)
{
	int y, m, d;
	date_to_ymd(days, &y, &m, &d);
	/* the modulos tell the compiler what date_to_ymd guarantees: it always fits */
	snprintf(out, DATE_ISO_LEN, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
	return out;
}

char *date_format_expiry(long long unix_ms, char out[DATE_EXPIRY_LEN])
{
	long long days = unix_ms / DATE_MS_PER_DAY, ms = unix_ms % DATE_MS_PER_DAY;
	long long first = date_from_ymd(1, 1, 2), last = date_from_ymd(9999, 12, 31);
	if (ms < 0) {   /* before 1970: the division rounds towards zero */
		days--;
		ms += DATE_MS_PER_DAY;
	}
	/* a request may hold any number: one far outside the years people write is shown as
	 * the nearest of them, as date_to_ymd's arithmetic would overflow */
	days = days < first ? first : days > last ? last : days;
	if (ms == 0)
		return date_format((int)days - 1, out);
	date_format((int)days, out);
	long long s = ms / 1000;
	snprintf(out + DATE_ISO_LEN - 1, DATE_EXPIRY_LEN - (DATE_ISO_LEN - 1), "T%02u:%02u:%02uZ",
		 (unsigned)(s / 3600) % 24u, (unsigned)(s / 60 % 60), (unsigned)(s % 60));
	return out;
}

int date_normalise(const char *text, char *out)
{
	int days;
	if (text[0] == '\0') {
		out[0] = '\0';
		return 0;
	}
	if (date_parse(text, &days) < 0)
		return -1;
	date_format(days, out);
	return 0;
}

int date_today(void)
{
	return (int)(time(NULL) / 86400);
}

long long date_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
