// A custom mask predicate written as IR: the `mask_mod` region.
//
// Variant: mask `mask_mod`; the region maps (b, h, q, k : index) to i1. Here
//          k <= q and (q - k) mod 3 != 1: a causal mask that drops every
//          third diagonal, something no built-in kind expresses.
// Mirrors: FlexAttention's `mask_mod(b, h, q_idx, kv_idx)` callables,
//          FlashInfer's custom masks.
// Shapes:  B=1, H=8, S=2048, D=64, bf16.
// Run:     attn-opt --attn-tile-report examples/mask_mod.mlir
//          (an arbitrary predicate is classified conservatively: every tile
//          is partial, and the visible count is an upper bound. Write
//          `causal & mask_mod` to let the report skip the upper triangle.)

func.func @custom_predicate(%q: tensor<1x8x2048x64xbf16>,
                            %k: tensor<1x8x2048x64xbf16>,
                            %v: tensor<1x8x2048x64xbf16>)
    -> tensor<1x8x2048x64xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<mask_mod>}
      : tensor<1x8x2048x64xbf16>, tensor<1x8x2048x64xbf16>,
        tensor<1x8x2048x64xbf16> -> tensor<1x8x2048x64xbf16>
      mask_mod {
  ^bb0(%b: index, %h: index, %qi: index, %ki: index):
    %c1 = arith.constant 1 : index
    %c3 = arith.constant 3 : index
    // k <= q
    %causal = arith.cmpi ule, %ki, %qi : index
    // (q - k) mod 3 != 1; the difference is only used where k <= q.
    %diff = arith.subi %qi, %ki : index
    %rem = arith.remui %diff, %c3 : index
    %keep = arith.cmpi ne, %rem, %c1 : index
    %visible = arith.andi %causal, %keep : i1
    attn.yield %visible : i1
  }
  return %o : tensor<1x8x2048x64xbf16>
}
