/* curve: CURVE socket options (see curve.h). */
#include "curve.h"

#include <stdio.h>
#include <string.h>
#include <zmq.h>

int curve_init(struct curve *c, bool plaintext, const char *cert_path, const char *keys_dir,
	       struct status *st)
{
	memset(c, 0, sizeof *c);
	c->plaintext = plaintext;
	snprintf(c->keys_dir, sizeof c->keys_dir, "%s", keys_dir ? keys_dir : "");
	if (plaintext)
		return 0;
	if (!zmq_has("curve"))
		return status_fail(st, STATUS_FAILED_PRECONDITION, "this libzmq was built without CURVE");
	int rc = cert_load(cert_path, &c->own, st);
	if (rc < 0)
		return rc;
	if (!c->own.has_secret)
		return status_fail(st, STATUS_INVALID_ARGUMENT,
				   "%s is a public certificate: give the NAME.key_secret file",
				   cert_path);
	return 0;
}

int curve_server_key(const struct curve *c, const char *name, uint8_t key[CERT_KEY_BYTES],
		     struct status *st)
{
	char path[2048];
	snprintf(path, sizeof path, "%s/%s.key", c->keys_dir, name);
	struct cert cert;
	struct status cst;
	if (cert_load(path, &cert, &cst) < 0)
		return status_fail(st, cst.code == STATUS_NOT_FOUND ? STATUS_FAILED_PRECONDITION : cst.code,
				   "no public key for the %s service: %s (the services' public "
				   "certificates are looked for in --keys / N2GG_KEYS)",
				   name, cst.message);
	memcpy(key, cert.public_key, CERT_KEY_BYTES);
	return 0;
}

static int curve_set(void *socket, int option, const void *value, size_t len, const char *what,
		     struct status *st)
{
	if (zmq_setsockopt(socket, option, value, len) != 0)
		return status_fail(st, STATUS_INTERNAL, "cannot set %s: %s", what,
				   zmq_strerror(zmq_errno()));
	return 0;
}

/* A draft option in libzmq 4.3's header, though Debian's library honours it: without it a
 * CURVE server whose ZAP handler is missing would admit every client. */
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif

int curve_server(const struct curve *c, void *socket, const char *domain, struct status *st)
{
	int on = 1, rc;
	if (c->plaintext)
		return 0;
	if ((rc = curve_set(socket, ZMQ_ZAP_DOMAIN, domain, strlen(domain), "ZAP domain", st)) < 0 ||
	    (rc = curve_set(socket, ZMQ_ZAP_ENFORCE_DOMAIN, &on, sizeof on, "ZAP enforcement", st)) < 0 ||
	    (rc = curve_set(socket, ZMQ_CURVE_SERVER, &on, sizeof on, "CURVE server", st)) < 0 ||
	    (rc = curve_set(socket, ZMQ_CURVE_SECRETKEY, c->own.secret_key, CERT_KEY_BYTES,
			    "CURVE secret key", st)) < 0)
		return rc;
	return 0;
}

int curve_client(const struct curve *c, void *socket, const uint8_t server_key[CERT_KEY_BYTES],
		 struct status *st)
{
	int rc;
	if (c->plaintext)
		return 0;
	if ((rc = curve_set(socket, ZMQ_CURVE_SERVERKEY, server_key, CERT_KEY_BYTES,
			    "CURVE server key", st)) < 0 ||
	    (rc = curve_set(socket, ZMQ_CURVE_PUBLICKEY, c->own.public_key, CERT_KEY_BYTES,
			    "CURVE public key", st)) < 0 ||
	    (rc = curve_set(socket, ZMQ_CURVE_SECRETKEY, c->own.secret_key, CERT_KEY_BYTES,
			    "CURVE secret key", st)) < 0)
		return rc;
	return 0;
}

bool curve_endpoint_is_loopback(const char *endpoint)
{
	if (!strncmp(endpoint, "ipc://", 6) || !strncmp(endpoint, "inproc://", 9))
		return true;
	const char *host = strstr(endpoint, "://");
	host = host ? host + 3 : endpoint;
	return !strncmp(host, "127.", 4) || !strncmp(host, "[::1]", 5) ||
	       !strncmp(host, "localhost:", 10);
}
