// Keeps the addon linked against glibc's vector math library. Every ISA copy
// of the evaluator declares libmvec's functions weak, so that a glibc lacking
// some of them (most came in 2.35) still loads the addon and falls back to
// scalar kernels; but a library referenced only weakly is dropped by the
// linker under --as-needed. This one strong reference, to a function every
// x86-64 glibc since 2.22 has, keeps it.

#include <cstdlib>  // defines __GLIBC__ where this is glibc

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__GLIBC__)
#include <immintrin.h>

extern "C" __m128d _ZGVbN2v_cos(__m128d) noexcept;

namespace vlab {
/** Referenced from nowhere; exists so that the symbol above is a strong undefined reference. */
extern void* const kLibmvecAnchor;
void* const kLibmvecAnchor = reinterpret_cast<void*>(&_ZGVbN2v_cos);
}  // namespace vlab
#endif
