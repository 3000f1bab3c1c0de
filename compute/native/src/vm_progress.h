// What a part of a run tells the run between blocks: how many elements it has
// done (throttled: to the shared counter every kProgressElements, not every
// block) and whether the run was cancelled. Part of vm_isa_copy.h.
#pragma once

namespace vlab {
namespace VLAB_ISA {

/**
 * Elements done, reported every kProgressElements: an atomic on a line both
 * threads write, and a clock read in the callback, per 1024 elements cost
 * more than some of the arithmetic.
 */
class Progress {
 public:
  explicit Progress(const Launch& L) : L_(L) {}
  void blockDone(int n) {
    unreported_ += n;
    if (unreported_ >= kProgressElements) report();
  }
  /** Reports what is left; a part calls it once at its end. */
  void report() {
    if (unreported_ == 0) return;
    if (L_.doneElements) L_.doneElements->fetch_add(unreported_, std::memory_order_relaxed);
    if (L_.onBlock) L_.onBlock(L_.onBlockContext);
    unreported_ = 0;
  }

 private:
  const Launch& L_;
  int64_t unreported_ = 0;
};

/** Whether the run was cancelled: read before each block, so a cancel stops a part within one block. */
inline bool cancelled(const Launch& L) { return L.cancelled && L.cancelled->load(std::memory_order_relaxed); }

}  // namespace VLAB_ISA
}  // namespace vlab
