// Zstandard (Debian's libzstd-dev): the compression of a stored file's pieces in the archive.
#include <zstd.h>
