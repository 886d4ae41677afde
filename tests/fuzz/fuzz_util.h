// Shared by the fuzz targets: a check that stops the process (a fuzzer finding) when a
// property does not hold, in every build type.
#ifndef ARTICLEDB_TESTS_FUZZ_FUZZ_UTIL_H_
#define ARTICLEDB_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                        \
  do {                                                                          \
    if (!(cond)) {                                                              \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                             \
    }                                                                           \
  } while (0)

#endif  // ARTICLEDB_TESTS_FUZZ_FUZZ_UTIL_H_
