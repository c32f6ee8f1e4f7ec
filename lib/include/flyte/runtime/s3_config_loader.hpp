#pragma once

/// Builds the S3Config of a run from Flyte's layered config and the
/// environment (CONTRACT §8). It lives in the runtime layer because config
/// and env handling do; S3Storage itself only takes the resolved values.
///
/// Precedence for each setting, first present wins (an explicit flag would
/// beat all of these, but flyte-execute has no S3 flags):
///
/// | setting | 1. Flyte env | 2. config file | 3. standard AWS env | default |
/// |---|---|---|---|---|
/// | endpoint | FLYTE_STORAGE_CONNECTION_ENDPOINT, FLYTE_AWS_ENDPOINT | storage.connection.endpoint
/// | AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL | AWS | | access key |
/// FLYTE_STORAGE_CONNECTION_ACCESS_KEY, FLYTE_AWS_ACCESS_KEY_ID | storage.connection.access-key |
/// AWS_ACCESS_KEY_ID | none (unsigned) | | secret key | FLYTE_STORAGE_CONNECTION_SECRET_KEY,
/// FLYTE_AWS_SECRET_ACCESS_KEY | storage.connection.secret-key | AWS_SECRET_ACCESS_KEY | none | |
/// session token | FLYTE_STORAGE_CONNECTION_SESSION_TOKEN, FLYTE_AWS_SESSION_TOKEN |
/// storage.connection.session-token | AWS_SESSION_TOKEN | none | | region |
/// FLYTE_STORAGE_CONNECTION_REGION, FLYTE_AWS_REGION | storage.connection.region | AWS_REGION,
/// AWS_DEFAULT_REGION | us-east-1 | | addressing | FLYTE_STORAGE_CONNECTION_ADDRESSING_STYLE |
/// storage.connection.addressing-style | — | auto | | retries |
/// FLYTE_STORAGE_CONNECTION_MAX_RETRIES | storage.connection.max-retries | — | 4 | | multipart |
/// FLYTE_STORAGE_CONNECTION_MULTIPART_THRESHOLD / _PART_SIZE (bytes) |
/// storage.connection.multipart-threshold / multipart-part-size | — | 64 MiB / 16 MiB |
/// | deadlines | FLYTE_STORAGE_CONNECTION_CONNECT_TIMEOUT / _READ_TIMEOUT (seconds) |
/// storage.connection.connect-timeout / read-timeout (botocore's names) | — | 10 / 60 |
///
/// The standard AWS variables come last, as in flytekit (its FLYTE_AWS_*
/// settings are handed to the S3 client, which falls back to boto's own
/// environment only when they are unset). The secret key and the session
/// token are registered with the redaction registry, so no log line or
/// error.pb can show them.

#include "flyte/context/env_lookup.hpp"
#include "flyte/io/s3_storage.hpp"
#include "flyte/runtime/config.hpp"

namespace flyte {

/// Throws ConfigError for a value of the wrong shape (an unknown addressing
/// style, a non-numeric size), naming the key.
S3Config load_s3_config(const Config& config, const EnvLookup& env);

}  // namespace flyte
