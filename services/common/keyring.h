/* keyring: the principals a service admits, from a directory of public certificates
 * (NAME.key files; "*_secret" files are ignored). Each principal is a public key with the
 * name and roles its certificate's metadata gives. Read at start and again on SIGHUP:
 * a file that cannot be read is logged and left out, so one bad file never keeps a
 * revoked key alive nor locks everyone out. */
#ifndef N2GG_KEYRING_H
#define N2GG_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#include "cert.h"
#include "status.h"

struct principal {
	uint8_t key[CERT_KEY_BYTES];
	char name[CERT_NAME_MAX];
	unsigned roles;
	char fingerprint[CERT_FINGERPRINT];
};

struct keyring {
	struct principal *items;   /* sorted by key */
	size_t count;
	size_t skipped;            /* files left out at the last load */
};

/* Replaces `k` with the certificates in `dir`; on failure (no such directory) `k` is
 * left as it was. */
int keyring_load(struct keyring *k, const char *dir, struct status *st);
const struct principal *keyring_find(const struct keyring *k, const uint8_t key[CERT_KEY_BYTES]);
void keyring_free(struct keyring *k);

#endif
