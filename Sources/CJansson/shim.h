#ifndef FLYTE_POLICY_CJANSSON_SHIM_H
#define FLYTE_POLICY_CJANSSON_SHIM_H
#include <jansson.h>

#pragma clang assume_nonnull begin

// jansson exposes these as function-like macros, which Swift cannot import.
static inline size_t cjansson_indent(int n) { return JSON_INDENT(n); }
static inline size_t cjansson_real_precision(int n) { return JSON_REAL_PRECISION(n); }
static inline json_type cjansson_typeof(const json_t *json) { return json_typeof(json); }

#pragma clang assume_nonnull end
#endif
