//===- Passes.td - Conversions out of the attn dialect -----*- tablegen -*-===//
//
// Lowerings of the cascade ops to upstream dialects.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_CONVERSION_PASSES_TD
#define ATTN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def AttnLowerToLinalg : Pass<"attn-lower-to-linalg"> {
  let summary = "Lower attn.einsum and attn.score_map to linalg.generic";
  let description = [{
    Each extended Einsum becomes one linalg.generic whose iteration space is
    the equation's axes (output axes parallel, the others reductions), with
    a linalg.fill of the reduction's identity as its init:

    ```mlir
    // Before
    %gm = attn.einsum copy "bhgpm->bhgp" reduce max (%s) ...
    // After
    %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<...>)
    %gm = linalg.generic {iterator_types = [parallel x4, reduction]} ins(%s) outs(%init) {
      ^bb0(%x: f32, %acc: f32): %m = arith.maximumf %acc, %x : f32 ...
    }
    ```
    A score map becomes a linalg.generic over the score tile whose body
    reads its coordinates with linalg.index and inlines the mask's
    visible(b, h, q, k), the score modifiers and the user's regions.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // ATTN_CONVERSION_PASSES_TD
