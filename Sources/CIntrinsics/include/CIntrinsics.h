#ifndef CINTRINSICS_H
#define CINTRINSICS_H

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Asks the CPU to start loading the cache line at `address` without waiting for it (Swift has no way to say
/// this). The row checker asks for the duplicate table's slot of a row's key as soon as the key's cells are read,
/// and the load overlaps reading the rest of the row: the probe had waited for memory in 87 % of its samples.
static inline void ipsurvey_prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 1, 3);
#endif
}

/// The CSV reader's bytes of interest among the 64 at `p`, one bit each (bit k for `p[k]`): commas in `*commas`,
/// line feeds in `*lineFeeds`, quotes and carriage returns in `*quotesOrCR`. Sixteen bytes compared at once
/// (SSE2, which every x86-64 CPU has; Swift has no byte-mask instruction), else one byte at a time.
static inline void ipsurvey_csv_masks(const uint8_t *p, uint64_t *commas, uint64_t *lineFeeds, uint64_t *quotesOrCR) {
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r');
    uint64_t c = 0, l = 0, q = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        c |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)) << (16 * k);
        l |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf)) << (16 * k);
        q |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, cr))) << (16 * k);
    }
    *commas = c; *lineFeeds = l; *quotesOrCR = q;
#else
    uint64_t c = 0, l = 0, q = 0;
    for (int k = 0; k < 64; k++) {
        uint64_t bit = (uint64_t)1 << k;
        if (p[k] == ',') c |= bit;
        else if (p[k] == '\n') l |= bit;
        else if (p[k] == '"' || p[k] == '\r') q |= bit;
    }
    *commas = c; *lineFeeds = l; *quotesOrCR = q;
#endif
}

/// Among the 16 bytes at `p` of a UTF-8 text cell, one bit each (bit k for `p[k]`): in `*attention` the bytes that
/// may begin an unsafe character (`SafeText`): a C0 control (TAB, LF and CR included: the caller passes over
/// them), DEL, or a lead byte C2, E2, EF or F0–FF; in `*continuations` the bytes 80–BF, which begin no character.
static inline void ipsurvey_text_masks(const uint8_t *p, uint32_t *attention, uint32_t *continuations) {
#if defined(__SSE2__)
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
    __m128i high = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8((char)0xF0)), v);
    __m128i leads = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xC2)), _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2))),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xEF)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F))));
    __m128i any = _mm_or_si128(_mm_or_si128(control, high), leads);
    __m128i cont = _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xC0)), _mm_set1_epi8((char)0x80));
    *attention = (uint32_t)(uint16_t)_mm_movemask_epi8(any);
    *continuations = (uint32_t)(uint16_t)_mm_movemask_epi8(cont);
#else
    uint32_t a = 0, c = 0;
    for (int k = 0; k < 16; k++) {
        uint8_t b = p[k];
        if (b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xE2 || b == 0xEF || b >= 0xF0) a |= 1u << k;
        if ((b & 0xC0) == 0x80) c |= 1u << k;
    }
    *attention = a; *continuations = c;
#endif
}

#endif
