// attn-run --check compares with the fp64 reference on --check-rows query
// positions (64 by default), on every position with --check-rows 0 or when
// the count covers them all, and says how many it compared. The query length
// (100) is not a multiple of the tile.

// RUN: attn-run %s --device cpu --seed 1 --check | FileCheck %s --check-prefix=DEFAULT
// RUN: attn-run %s --device cpu --seed 2 --check --check-rows 5 | FileCheck %s --check-prefix=FIVE
// RUN: attn-run %s --device cpu --seed 1 --check --check-rows 1 | FileCheck %s --check-prefix=ONE
// RUN: attn-run %s --device cpu --seed 1 --check --check-rows 0 | FileCheck %s --check-prefix=ALL
// RUN: attn-run %s --device cpu --seed 1 --check --check-rows 100 | FileCheck %s --check-prefix=ALL

// DEFAULT: matched the fp64 reference on 64 of 100 query rows: max|out - ref| = {{.+}}, bound {{.+}}
// DEFAULT: attn-run: ran @causal_gqa on cpu
// FIVE: matched the fp64 reference on 5 of 100 query rows:
// ONE: matched the fp64 reference on 1 of 100 query rows:
// ALL: matched the fp64 reference on all 100 query rows:

func.func @causal_gqa(%q: tensor<1x4x100x16xbf16>, %k: tensor<1x2x100x16xbf16>,
                      %v: tensor<1x2x100x16xbf16>) -> tensor<1x4x100x16xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal | sink(2)>}
      : tensor<1x4x100x16xbf16>, tensor<1x2x100x16xbf16>, tensor<1x2x100x16xbf16>
      -> tensor<1x4x100x16xbf16>
  return %o : tensor<1x4x100x16xbf16>
}
