/* tls: the dashboard's HTTPS certificate and private key, read from PEM files at start for
 * libmicrohttpd (which hands them to GnuTLS). The key file must not be readable or
 * writable by every user of the machine: a key anyone can read is a key to assume
 * compromised, so the service refuses it rather than serve with it. Nothing of the key is
 * logged, and its copy in memory is wiped when it is freed. */
#ifndef N2GG_DASH_TLS_H
#define N2GG_DASH_TLS_H

#include <stddef.h>

#include "status.h"

struct tls_files {
	char *cert;   /* PEM, NUL-terminated: the certificate and any intermediates after it */
	char *key;    /* PEM, NUL-terminated */
	size_t key_len;
};

/* Both read, or neither (and st says which file and why). */
int tls_load(struct tls_files *t, const char *cert_path, const char *key_path, struct status *st);
void tls_free(struct tls_files *t);

#endif
