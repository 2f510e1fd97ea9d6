#ifndef CUTF8_H
#define CUTF8_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Whether `count` bytes are strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF): simdjson's
/// validator (Debian's libsimdjson-dev), which picks the widest SIMD kernel the CPU has when first called.
bool ipsurvey_utf8_valid(const unsigned char *bytes, size_t count);

#ifdef __cplusplus
}
#endif

#endif
