/* cert: CURVE certificates as files, in the ZPL format CZMQ's zcert writes and pyzmq's
 * zmq.auth reads (so clients in other languages use standard tools): NAME.key holds the
 * public key and the metadata, NAME.key_secret the same plus the secret key, mode 0600.
 * The metadata names the principal (`name`) and its roles (`roles`, comma separated).
 * Reading and writing go through CZMQ's zcert; keys are Z85 text in the files. */
#ifndef N2GG_CERT_H
#define N2GG_CERT_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

#define CERT_KEY_BYTES 32
#define CERT_KEY_TEXT 41      /* Z85 of 32 bytes: 40 characters and a NUL */
#define CERT_NAME_MAX 64
#define CERT_ROLES_MAX 160
#define CERT_FINGERPRINT 17   /* 16 hex digits of the public key's SHA-256, and a NUL */

struct cert {
	uint8_t public_key[CERT_KEY_BYTES];
	uint8_t secret_key[CERT_KEY_BYTES];
	bool has_secret;
	char public_txt[CERT_KEY_TEXT];
	char name[CERT_NAME_MAX];        /* "" when the file names nobody */
	char roles[CERT_ROLES_MAX];      /* as written in the file */
	char fingerprint[CERT_FINGERPRINT];
};

/* Reads a public (NAME.key) or secret (NAME.key_secret) certificate file. A secret file
 * readable by group or others is refused: its key would no longer be secret. */
int cert_load(const char *path, struct cert *c, struct status *st);

/* Makes a new key pair and writes DIR/NAME.key and DIR/NAME.key_secret (0600), creating
 * DIR (0700) if needed; refuses to overwrite an existing certificate. */
int cert_generate(const char *dir, const char *name, const char *roles, struct cert *out,
		  struct status *st);

/* Names are what the ZAP User-Id and the audit trail show: letters, digits, '.', '_', '-'. */
bool cert_name_valid(const char *name);

/* The first 8 bytes of SHA-256(public key) in hex: short enough to log, long enough to tell
 * keys apart. */
void cert_fingerprint(const uint8_t key[CERT_KEY_BYTES], char out[CERT_FINGERPRINT]);

#endif
