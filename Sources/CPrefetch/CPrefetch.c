// The header has everything (one inline function); SwiftPM needs a source file in a C target.
#include "CPrefetch.h"
