/* zap: the service's ZAP handler (ZeroMQ RFC 27) on its libuv loop. libzmq asks it about
 * every CURVE handshake on the service's sockets; it admits a client whose public key is
 * in the keyring, for the events socket only one whose roles may read events, and names
 * the principal: the ZAP User-Id is the principal's name and the "Key" property its public
 * key (Z85), which the API looks up again on every request, so a key revoked by a reload
 * loses access at once. A refused handshake is logged with the key's fingerprint, the peer
 * address and the reason, and counted.
 * It runs on the loop rather than a thread of its own: a lookup takes microseconds, and
 * sharing the loop means no lock around the keyring that SIGHUP replaces. */
#ifndef N2GG_ZAP_H
#define N2GG_ZAP_H

#include <stdint.h>
#include <uv.h>

#include "keyring.h"
#include "status.h"
#include "zwatch.h"

struct zap_stats {
	uint64_t admitted;
	uint64_t refused_unknown_key;   /* not (or no longer) in the authorised keys */
	uint64_t refused_role;          /* known, but may not read events */
	uint64_t refused_mechanism;     /* not CURVE, or a malformed request */
	uint64_t refused_protocol;      /* no ZAP request at all: a client without CURVE, or one
					 * with the wrong server key (seen by socket monitors) */
	uint64_t disconnects;           /* connections closed on the watched sockets */
};

#define ZAP_MONITORS 2

struct zap {
	void *socket;
	struct zwatch *watch;
	const struct keyring *keyring;
	unsigned events_roles;          /* roles that may subscribe to events */
	struct zap_stats stats;
	struct zap_monitor {
		void *socket;               /* PAIR receiving a server socket's handshake failures */
		struct zwatch *watch;
		const char *what;           /* "api", "events" */
		struct zap *zap;
	} monitors[ZAP_MONITORS];
	unsigned monitor_count;
};

/* Binds the handler in `zctx`: before any CURVE server socket of that context binds. */
int zap_start(struct zap *z, void *zctx, uv_loop_t *loop, const struct keyring *keyring,
	      unsigned events_roles, struct status *st);
/* Also logs and counts the handshakes on `socket` that never reach ZAP (a plaintext
 * client, a wrong server key): after bind. */
void zap_monitor(struct zap *z, void *zctx, void *socket, const char *what);
void zap_stop(struct zap *z);

#endif
