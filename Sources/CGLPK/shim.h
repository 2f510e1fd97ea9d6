// GLPK (Debian's libglpk-dev), the linear programming solver of the disclosure audit. It ships no pkg-config file.
#include <glpk.h>
