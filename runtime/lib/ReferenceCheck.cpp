//===- ReferenceCheck.cpp - Comparing outputs with a reference ------------===//
//
// The reference is walked in order; each element's multi-index is kept
// incrementally and the output offset recomputed from it with the row of
// the sequence dim replaced, so no element is compared twice and none is
// read out of bounds once matchReferenceRows has accepted the shapes.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/ReferenceCheck.h"
#include "attn/Runtime/KernelPackage.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace attn::runtime;

Result<RowMapping>
attn::runtime::matchReferenceRows(const std::vector<int64_t> &outputShape,
                                  const std::vector<int64_t> &referenceShape,
                                  const std::vector<int64_t> &naiveShape,
                                  const std::vector<int64_t> &rows) {
  if (naiveShape != referenceShape)
    return Status::error("the naive result's shape " + shapeString(naiveShape) +
                         " is not the reference's " +
                         shapeString(referenceShape));
  if (numElements(referenceShape) < 0)
    return Status::error("bad reference shape " + shapeString(referenceShape));
  if (referenceShape.size() != outputShape.size())
    return Status::error("the reference has rank " +
                         std::to_string(referenceShape.size()) +
                         ", the output " + std::to_string(outputShape.size()));
  RowMapping mapping;
  for (size_t d = 0; d < outputShape.size(); ++d) {
    if (referenceShape[d] == outputShape[d])
      continue;
    if (mapping.axis >= 0)
      return Status::error("the reference's shape " +
                           shapeString(referenceShape) +
                           " differs from the output's " +
                           shapeString(outputShape) + " in more than one dim");
    mapping.axis = static_cast<int>(d);
  }
  if (mapping.axis < 0)
    return mapping;
  int64_t extent = outputShape[mapping.axis];
  if (referenceShape[mapping.axis] != static_cast<int64_t>(rows.size()))
    return Status::error(
        "the reference has " + std::to_string(referenceShape[mapping.axis]) +
        " rows in dim " + std::to_string(mapping.axis) +
        ", the row list holds " + std::to_string(rows.size()) + " positions");
  for (int64_t row : rows)
    if (row < 0 || row >= extent)
      return Status::error("row position " + std::to_string(row) +
                           " is outside [0, " + std::to_string(extent) +
                           ") of dim " + std::to_string(mapping.axis) +
                           " of the output");
  mapping.rows = rows;
  return mapping;
}

ToleranceReport attn::runtime::compareWithReference(
    const std::vector<float> &output, const std::vector<int64_t> &outputShape,
    const std::vector<double> &reference, const std::vector<double> &naive,
    const std::vector<int64_t> &referenceShape, const RowMapping &mapping) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  ToleranceReport report;
  std::vector<int64_t> strides = contiguousStrides(outputShape);
  std::vector<int64_t> index(referenceShape.size(), 0);
  for (size_t i = 0; i < reference.size(); ++i) {
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d) {
      int64_t at = static_cast<int>(d) == mapping.axis ? mapping.rows[index[d]]
                                                       : index[d];
      offset += at * strides[d];
    }
    double o = output[offset], r = reference[i], n = naive[i];
    double error;
    if (std::isnan(o))
      error = kInf;
    else if (o == r)
      error = 0;
    else if (!std::isfinite(o) || !std::isfinite(r))
      error = kInf;
    else
      error = std::fabs(o - r);
    report.maxError = std::max(report.maxError, error);
    if (std::isfinite(n) && std::isfinite(r))
      report.naiveError = std::max(report.naiveError, std::fabs(n - r));
    ++report.elementsCompared;
    // The next multi-index, last dim fastest.
    for (size_t d = index.size(); d-- > 0;) {
      if (++index[d] < referenceShape[d])
        break;
      index[d] = 0;
    }
  }
  report.bound = 2.0 * report.naiveError + 1e-5;
  report.pass = report.maxError <= report.bound;
  return report;
}
