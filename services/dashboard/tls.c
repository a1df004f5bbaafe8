/* tls: see tls.h. */
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A certificate chain is a few KiB; anything much larger is not one. */
#define TLS_MAX_FILE (1 << 20)

/* The file's text, read whole from one descriptor, so the mode checked is the mode of what
 * is read. `secret`: refused when every user may read or write it. */
static char *tls_read(const char *setting, const char *path, bool secret, size_t *len,
		      struct status *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		status_fail(st, STATUS_FAILED_PRECONDITION, "%s \"%s\": %s", setting, path,
			    strerror(errno));
		return NULL;
	}
	struct stat sb;
	char *buf = NULL;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		status_fail(st, STATUS_FAILED_PRECONDITION, "%s \"%s\" is not a file", setting, path);
	} else if (secret && (sb.st_mode & (S_IROTH | S_IWOTH))) {
		status_fail(st, STATUS_FAILED_PRECONDITION,
			    "%s \"%s\" can be read or changed by every user of the machine (mode "
			    "%04o): a private key must be readable by the service only (chmod 600, "
			    "or 640 with the service's group)",
			    setting, path, (unsigned)(sb.st_mode & 07777));
	} else if (sb.st_size <= 0 || sb.st_size > TLS_MAX_FILE) {
		status_fail(st, STATUS_FAILED_PRECONDITION, "%s \"%s\" is %s", setting, path,
			    sb.st_size <= 0 ? "empty" : "too large for a PEM file");
	} else if (!(buf = malloc((size_t)sb.st_size + 1))) {
		status_fail(st, STATUS_INTERNAL, "out of memory reading %s", setting);
	} else {
		size_t n = 0;
		ssize_t got = 1;
		while (n < (size_t)sb.st_size && (got = read(fd, buf + n, (size_t)sb.st_size - n)) > 0)
			n += (size_t)got;
		buf[n] = '\0';
		if (got < 0 || !strstr(buf, "-----BEGIN ")) {
			status_fail(st, STATUS_FAILED_PRECONDITION, "%s \"%s\": %s", setting, path,
				    got < 0 ? strerror(errno) : "not a PEM file (no -----BEGIN line)");
			explicit_bzero(buf, n);
			free(buf);
			buf = NULL;
		}
		*len = n;
	}
	close(fd);
	return buf;
}

int tls_load(struct tls_files *t, const char *cert_path, const char *key_path, struct status *st)
{
	size_t cert_len;
	memset(t, 0, sizeof *t);
	if (!(t->cert = tls_read("tls-cert", cert_path, false, &cert_len, st)) ||
	    !(t->key = tls_read("tls-key", key_path, true, &t->key_len, st))) {
		tls_free(t);
		return -(int)st->code;
	}
	return 0;
}

void tls_free(struct tls_files *t)
{
	if (t->key)
		explicit_bzero(t->key, t->key_len);
	free(t->key);
	free(t->cert);
	memset(t, 0, sizeof *t);
}
