// Flushes subnormal results to zero and reads subnormal inputs as zero (the x86 MXCSR FTZ and DAZ
// bits) for the life of the object, on the calling thread; restores the previous mode after.
// For loops whose tiny products are negligible by construction but whose subnormal arithmetic
// would run a hundred times slower (microcode assists). Does nothing off x86.
#pragma once
#if defined(__x86_64__) || defined(_M_X64) || (defined(__i386__) && defined(__SSE2__))
#include <xmmintrin.h>
#define DMT_HAVE_MXCSR 1
#endif

namespace dmt {

class flush_denormals {
 public:
#ifdef DMT_HAVE_MXCSR
  flush_denormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040u); }  // FTZ (bit 15), DAZ (bit 6)
  ~flush_denormals() { _mm_setcsr(saved_); }
#else
  flush_denormals() = default;
#endif
  flush_denormals(const flush_denormals&) = delete;
  flush_denormals& operator=(const flush_denormals&) = delete;

 private:
#ifdef DMT_HAVE_MXCSR
  unsigned saved_;
#endif
};

}  // namespace dmt
