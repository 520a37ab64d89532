//===- ReferenceCheck.h - Comparing outputs with a reference ----*- C++ -*-===//
//
// FlashAttention's acceptance rule, for outputs computed on a device and
// references computed elsewhere (attn-run's fp64 reference on a machine
// without a GPU): on the compared elements,
//   max |out - ref| <= 2 * max |naive - ref| + 1e-5,
// where `naive` is the same attention computed in the input precision. The
// reference may hold only some query rows: its shape is the output's except
// in one dim, the sequence dim, whose extent is the number of rows, and a
// list gives the output row of each. Equal values (an LSE of -inf on both
// sides included) count as no error; NaN in the output always fails, as
// does any other non-finite mismatch. Plain C++17, no LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_REFERENCECHECK_H
#define ATTN_RUNTIME_REFERENCECHECK_H

#include "attn/Runtime/Status.h"

#include <cstdint>
#include <vector>

namespace attn::runtime {

/// Where the reference's rows lie in the output.
struct RowMapping {
  /// The output dim the rows index; -1 when the reference has the output's
  /// shape and covers every row.
  int axis = -1;
  /// The output row of each reference row along `axis`.
  std::vector<int64_t> rows;
};

/// Finds the sequence dim: the one dim where `referenceShape` differs from
/// `outputShape`, whose reference extent must be rows.size(); checks that
/// `naiveShape` is `referenceShape` and that every row lies in the output.
/// When no dim differs, the reference covers the whole output.
Result<RowMapping>
matchReferenceRows(const std::vector<int64_t> &outputShape,
                   const std::vector<int64_t> &referenceShape,
                   const std::vector<int64_t> &naiveShape,
                   const std::vector<int64_t> &rows);

/// What compareWithReference found.
struct ToleranceReport {
  /// max |out - ref| (infinite for NaN or a non-finite mismatch).
  double maxError = 0;
  /// max |naive - ref| over the finite pairs.
  double naiveError = 0;
  /// 2 * naiveError + 1e-5.
  double bound = 1e-5;
  bool pass = true;
  int64_t elementsCompared = 0;
};

/// Compares the reference's elements with the output's under the rule
/// above. `output` has `outputShape`; `reference` and `naive` have
/// `referenceShape` and were matched by matchReferenceRows.
ToleranceReport compareWithReference(const std::vector<float> &output,
                                     const std::vector<int64_t> &outputShape,
                                     const std::vector<double> &reference,
                                     const std::vector<double> &naive,
                                     const std::vector<int64_t> &referenceShape,
                                     const RowMapping &mapping);

} // namespace attn::runtime

#endif // ATTN_RUNTIME_REFERENCECHECK_H
