/* keyring: authorised certificates (see keyring.h). */
#include "keyring.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "role.h"

static int keyring_compare(const void *a, const void *b)
{
	return memcmp(((const struct principal *)a)->key, ((const struct principal *)b)->key,
		      CERT_KEY_BYTES);
}

static bool keyring_is_public_cert(const char *file)
{
	size_t n = strlen(file);
	return file[0] != '.' && n > 4 && strcmp(file + n - 4, ".key") == 0;
}

int keyring_load(struct keyring *k, const char *dir, struct status *st)
{
	DIR *d = opendir(dir);
	if (!d)
		return status_fail(st, STATUS_FAILED_PRECONDITION,
				   "cannot read the authorised keys directory %s: %s", dir,
				   strerror(errno));
	struct keyring next = {0};
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!keyring_is_public_cert(e->d_name))
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct cert c;
		struct status cst;
		char unknown[CERT_ROLES_MAX];
		if (cert_load(path, &c, &cst) < 0) {
			log_warn("certificate left out", "file=%s error=%s", log_str(path),
				 log_str(cst.message));
			next.skipped++;
			continue;
		}
		if (!c.name[0]) {
			/* a principal without a name could not be told apart in the audit trail */
			log_warn("certificate left out", "file=%s error=\"no metadata name\"",
				 log_str(path));
			next.skipped++;
			continue;
		}
		unsigned roles = role_parse(c.roles, unknown, sizeof unknown);
		if (unknown[0])
			log_warn("unknown roles ignored", "file=%s roles=%s", log_str(path), log_str(unknown));
		if (next.count == cap) {
			cap = cap ? cap * 2 : 16;
			struct principal *grown = realloc(next.items, cap * sizeof *grown);
			if (!grown) {
				closedir(d);
				free(next.items);
				return status_fail(st, STATUS_RESOURCE_EXHAUSTED, "out of memory");
			}
			next.items = grown;
		}
		struct principal *p = &next.items[next.count++];
		memcpy(p->key, c.public_key, CERT_KEY_BYTES);
		snprintf(p->name, sizeof p->name, "%s", c.name);
		snprintf(p->fingerprint, sizeof p->fingerprint, "%s", c.fingerprint);
		p->roles = roles;
	}
	closedir(d);
	if (next.count)
		qsort(next.items, next.count, sizeof *next.items, keyring_compare);
	/* the same key twice: the first file (in key order, so deterministic) wins */
	size_t out = 0;
	for (size_t i = 0; i < next.count; i++) {
		if (out && memcmp(next.items[out - 1].key, next.items[i].key, CERT_KEY_BYTES) == 0) {
			log_warn("the same key in two certificates; the second is left out",
				 "name=%s other=%s", next.items[out - 1].name, next.items[i].name);
			next.skipped++;
			continue;
		}
		next.items[out++] = next.items[i];
	}
	next.count = out;
	keyring_free(k);
	*k = next;
	return 0;
}

const struct principal *keyring_find(const struct keyring *k, const uint8_t key[CERT_KEY_BYTES])
{
	if (!k->count)
		return NULL;
	struct principal probe;
	memcpy(probe.key, key, CERT_KEY_BYTES);
	return bsearch(&probe, k->items, k->count, sizeof *k->items, keyring_compare);
}

void keyring_free(struct keyring *k)
{
	free(k->items);
	k->items = NULL;
	k->count = 0;
}
