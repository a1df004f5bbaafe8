/* curve: CURVE security on a process's ZeroMQ sockets. A process has one identity (its
 * secret certificate) and a directory of the services' public certificates (NAME.key),
 * in which a client finds the key of the server it connects to. Servers (ROUTER, PUB) fail
 * closed: ZMQ_ZAP_ENFORCE_DOMAIN makes a handshake fail when no ZAP handler answers. With
 * `plaintext` (asked for explicitly) the sockets are left as they are. */
#ifndef N2GG_CURVE_H
#define N2GG_CURVE_H

#include <stdbool.h>
#include <stdint.h>

#include "cert.h"
#include "status.h"

/* ZAP domains: which of a service's sockets a handshake is for */
#define CURVE_DOMAIN_API "n2gg-api"
#define CURVE_DOMAIN_EVENTS "n2gg-events"

struct curve {
	bool plaintext;
	struct cert own;
	char keys_dir[1024];
};

/* Loads the identity from `cert_path` (a NAME.key_secret file) and remembers `keys_dir`.
 * With plaintext set, neither is read. */
int curve_init(struct curve *c, bool plaintext, const char *cert_path, const char *keys_dir,
	       struct status *st);

/* The public key of service `name`, from keys_dir/NAME.key. */
int curve_server_key(const struct curve *c, const char *name, uint8_t key[CERT_KEY_BYTES],
		     struct status *st);

/* Before bind: makes `socket` a CURVE server for `domain`. */
int curve_server(const struct curve *c, void *socket, const char *domain, struct status *st);
/* Before connect: makes `socket` a CURVE client of the server whose key is `server_key`. */
int curve_client(const struct curve *c, void *socket, const uint8_t server_key[CERT_KEY_BYTES],
		 struct status *st);

/* True when every endpoint in the list is on loopback (tcp://127.x, [::1], localhost,
 * ipc://, inproc://). */
bool curve_endpoint_is_loopback(const char *endpoint);

#endif
