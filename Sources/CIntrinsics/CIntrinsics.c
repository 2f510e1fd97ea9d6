// The header has everything (inline functions); SwiftPM needs a source file in a C target.
#include "CIntrinsics.h"
