#ifndef IPSURVEY_CLIBXML2_SHIM_H
#define IPSURVEY_CLIBXML2_SHIM_H
// Debian's libxml2 is built with ICU; its ICU headers clash with Foundation's own ICU module in debug builds
// ("'UErrorCode' has different definitions in different modules"). We need no ICU from libxml2.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/HTMLparser.h>
#include <libxml/xmlmemory.h>

// xmlFree is a global function pointer, which Swift 6 does not accept as concurrency-safe.
static inline void ipsurvey_xmlFree(void *p) { xmlFree(p); }
#endif
