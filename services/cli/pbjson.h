/* pbjson: any protobuf-c message as a jansson value, for the CLI's --json output. It walks
 * the message's descriptor, so a field added to the contract shows up without code here.
 * Keys are the proto field names (snake_case). Every field is written, defaults included,
 * so scripts can rely on each key being there; of a oneof only the member that is set.
 * Enums are their value names ("PHASE_PRIMARY"), a value the descriptor does not know is
 * its number; 64-bit integers beyond 2^63-1 are decimal strings; bytes are
 * base64, or null when longer than PBJSON_BYTES_MAX; a missing sub-message is null. */
#ifndef N2GG_PBJSON_H
#define N2GG_PBJSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

#define PBJSON_BYTES_MAX 65536

/* A new JSON object for `msg` (the caller owns the reference). */
json_t *pbjson_message(const ProtobufCMessage *msg);

#endif
