// Flushes subnormal results to zero and reads subnormal inputs as zero (the x86 MXCSR FTZ and DAZ
// bits) for the life of the object, on the calling thread; restores the previous mode after.
// For loops whose tiny products are negligible by construction but whose subnormal arithmetic
// would run a hundred times slower (microcode assists). Uses the compiler's MXCSR builtins (no
// intrinsics header); does nothing off x86 (wasm included) or on other compilers.
#pragma once
#if (defined(__x86_64__) || defined(__i386__)) && defined(__SSE__) && (defined(__GNUC__) || defined(__clang__))
#define DMT_HAVE_MXCSR 1
#endif

namespace dmt {

class flush_denormals {
 public:
#ifdef DMT_HAVE_MXCSR
  flush_denormals() : saved_(__builtin_ia32_stmxcsr()) { __builtin_ia32_ldmxcsr(saved_ | 0x8040u); }  // FTZ, DAZ
  ~flush_denormals() { __builtin_ia32_ldmxcsr(saved_); }
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
