//===- Reference.h - fp64 reference of attn.attention -----------*- C++ -*-===//
//
// What attn.attention computes, by definition: plain loops in double
// precision over the op's mask and score modifiers (the mask kinds'
// isVisible, the score terms' apply, and the mask_mod / score_mod regions
// through the region interpreter). Every numeric test compares a kernel
// against it. Beside it, the same attention computed the naive way in the
// input precision (as PyTorch eager does in bf16 or f16), whose distance to
// the reference sets the tolerance:
//
//   max |out - ref64| <= 2 * max |naive - ref64| + 1e-5.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_REFERENCE_REFERENCE_H
#define ATTN_DIALECT_ATTN_REFERENCE_REFERENCE_H

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace attn::reference {

/// A dense row-major tensor on the host, in double precision.
struct HostTensor {
  std::vector<int64_t> shape;
  std::vector<double> data;

  HostTensor() = default;
  HostTensor(std::vector<int64_t> shape, std::vector<double> data)
      : shape(std::move(shape)), data(std::move(data)) {}
  /// A tensor of `shape` filled with `value`.
  static HostTensor filled(std::vector<int64_t> shape, double value);

  /// The product of the shape (1 for rank 0).
  int64_t numElements() const;
  /// The row-major offset of `index` (one coordinate per dimension).
  int64_t offset(llvm::ArrayRef<int64_t> index) const;
  double &at(llvm::ArrayRef<int64_t> index) { return data[offset(index)]; }
  double at(llvm::ArrayRef<int64_t> index) const { return data[offset(index)]; }
};

/// The operands of one attn.attention, in the op's layout (bhsd or bshd for
/// Q, K and V). Their shapes give the run-time extents, so an op with
/// dynamic batch or sequence extents runs at any length. The optional
/// tensors are those the op's mask and score modifiers need:
/// segment ids [B, S] or document offsets [B, N + 1], a block mask
/// [B or 1, Hq or 1, ceil(Sq / bq), ceil(Sk / bk)] (non-zero keeps a block)
/// and a bias [B or 1, Hq or 1, Sq, Sk].
struct ReferenceInputs {
  HostTensor query, key, value;
  std::optional<HostTensor> qSegments, kvSegments, blockMask, bias;
};

/// O in the op's layout ([B, Hq, Sq, Dv] or [B, Sq, Hq, Dv]) and the
/// log-sum-exp of the visible scores, [B, Hq, Sq]. A query with no visible
/// key has O = 0 and LSE = -inf.
struct ReferenceResult {
  HostTensor output;
  HostTensor lse;
};

/// Which query positions computeReference and computeNaive compute. A large
/// problem checked on a sample of rows costs the sample's share of the full
/// computation, and each sampled row is exactly the full computation's row.
struct ReferenceOptions {
  /// Query positions in [0, Sq), computed for every batch entry and head;
  /// empty computes them all. The rows left out are NaN in the results.
  std::vector<int64_t> queryRows;
};

/// Computes `op` on `inputs` in double precision: s = scale * q.k (scale
/// 1/sqrt(Dqk) by default), then each score term in order, softmax over the
/// visible keys with the row maximum subtracted, O = P V. Query head h reads
/// KV head h / (Hq / Hkv). A key whose modified score is -inf weighs
/// nothing, like a hidden one. Errors (shapes that do not fit the op,
/// missing or unexpected operands, a region the interpreter cannot run or
/// that fails on some point, a query row out of range) are values naming
/// the problem.
llvm::Expected<ReferenceResult>
computeReference(AttentionOp op, const ReferenceInputs &inputs,
                 const ReferenceOptions &options = {});

/// The same attention computed the naive way in `elementType` (f16, bf16 or
/// f32), as PyTorch eager does: inputs rounded to the element type;
/// S = Q K^T accumulated in f32 and rounded; scaled, then each score term,
/// rounding after each step; hidden keys set to -inf; softmax in f32,
/// rounded; O = P V accumulated in f32 and rounded; LSE in f32 from the
/// rounded scores. A score_mod region runs in f32. Rows with no visible key
/// give O = 0 and LSE = -inf, as the op defines. `options` selects the
/// query rows as for computeReference.
llvm::Expected<ReferenceResult>
computeNaive(AttentionOp op, const ReferenceInputs &inputs,
             mlir::Type elementType, const ReferenceOptions &options = {});

/// The figures of the tolerance rule for one output tensor.
struct ToleranceReport {
  double maxError = 0.0;   ///< max |out - ref| (inf on a non-finite mismatch)
  double naiveError = 0.0; ///< max |naive - ref| where both are finite
  double bound = 0.0;      ///< 2 * naiveError + 1e-5
  int64_t worstIndex = -1; ///< flat index of maxError, -1 when all match
  /// Elements where `out` and `ref` differ and one of them is not finite
  /// (a NaN, or an infinity the other does not have).
  int64_t nonFiniteMismatches = 0;
  int64_t elementsCompared = 0; ///< elements the rule read
  bool pass = false;
};

/// The slices of a tensor compareWithTolerance reads: indices `rows` of
/// dimension `axis` (the query axis of a sampled reference: the layout's
/// sequence axis for O, 2 for the LSE). No rows means every element.
struct RowSelection {
  unsigned axis = 0;
  std::vector<int64_t> rows;
};

/// Compares a kernel's `out` with the reference under the tolerance rule
/// max |out - ref| <= 2 * max |naive - ref| + 1e-5, on the selected rows
/// only. Equal infinities (an LSE of -inf) match exactly; any other
/// non-finite value in `out` fails. Tensors of different shapes, an axis
/// beyond the rank and a row out of range are errors.
llvm::Expected<ToleranceReport>
compareWithTolerance(const HostTensor &out, const HostTensor &ref,
                     const HostTensor &naive,
                     const RowSelection &selection = {});

/// Assigns the arguments of the function holding `op` (one HostTensor per
/// argument, in order) to the op's operands. Every operand of the op must
/// be an argument of that function.
llvm::Expected<ReferenceInputs>
referenceInputsFromArguments(AttentionOp op,
                             llvm::ArrayRef<HostTensor> arguments);

} // namespace attn::reference

#endif // ATTN_DIALECT_ATTN_REFERENCE_REFERENCE_H
