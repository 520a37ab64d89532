// Tests of --attn-tile-report: tile counts, visible pairs and pictures for
// exact, head-dependent and data-dependent masks, dynamic lengths, the PNG
// writer, and the errors for bad options. Each case is its own module (cut
// out with split-file); the report goes to stdout, the IR to /dev/null.

// RUN: rm -rf %t && split-file %s %t

//--- causal.mlir
// 4096 x 4096 causal in 128 x 128 tiles: the 32 diagonal tiles are partial,
// the 496 below full, the 496 above never visited.
// RUN: attn-opt --attn-tile-report %t/causal.mlir -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=CAUSAL --match-full-lines
// CAUSAL-LABEL: attn tile report: attn.attention at {{.*}}causal.mlir:{{[0-9]+}}:{{[0-9]+}}
// CAUSAL-NEXT:   mask: causal
// CAUSAL-NEXT:   extents: B=1 Hq=8 Hkv=8 Sq=4096 Sk=4096; tiles 128x128, grid 32x32
// CAUSAL-NEXT:   head 0: 528 non-empty of 1024 tiles (496 full, 32 partial), 496 empty
// CAUSAL-NEXT:   visible pairs: 8390656 of 16777216 (50.01%)
// CAUSAL-NEXT:   grid (# full, + partial, . empty; rows are Q tiles):
// CAUSAL-NEXT:     +...............................
// CAUSAL-NEXT:     #+..............................
// CAUSAL-NEXT:     ##+.............................
// CAUSAL:          ##############################+.
// CAUSAL-NEXT:     ###############################+
// CAUSAL-NOT: {{.}}

// A head-independent mask prints no per-head lines even with all-heads.
// RUN: attn-opt --attn-tile-report='all-heads=true max-width=0' %t/causal.mlir -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=ALLHEADS_CAUSAL
// ALLHEADS_CAUSAL: head 0: 528 non-empty of 1024 tiles (496 full, 32 partial), 496 empty
// ALLHEADS_CAUSAL-NEXT: visible pairs:
// ALLHEADS_CAUSAL-NOT: head 1:
// ALLHEADS_CAUSAL-NOT: grid

// Smaller tiles: 64 x 64 gives a 64 x 64 grid with 64 partial diagonal tiles.
// RUN: attn-opt --attn-tile-report='q-tile=64 kv-tile=64 max-width=0' %t/causal.mlir -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=CAUSAL64
// CAUSAL64: tiles 64x64, grid 64x64
// CAUSAL64: head 0: 2080 non-empty of 4096 tiles (2016 full, 64 partial), 2016 empty
// CAUSAL64: visible pairs: 8390656 of 16777216 (50.01%)

// The picture, narrowed: each character stands for 4x4 tiles, '+' where a
// block mixes classes, '#' where all its tiles are full.
// RUN: attn-opt --attn-tile-report='max-width=8' %t/causal.mlir -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=PICTURE --match-full-lines
// PICTURE:      grid (# full, + partial, . empty; rows are Q tiles):
// PICTURE-NEXT:     +.......
// PICTURE-NEXT:     #+......
// PICTURE-NEXT:     ##+.....
// PICTURE-NEXT:     ###+....
// PICTURE-NEXT:     ####+...
// PICTURE-NEXT:     #####+..
// PICTURE-NEXT:     ######+.
// PICTURE-NEXT:     #######+
// PICTURE-NEXT:     (each character is 4x4 tiles)

// max-width=0 draws no picture.
// RUN: attn-opt --attn-tile-report='max-width=0' %t/causal.mlir -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=NOPICTURE
// NOPICTURE: visible pairs: 8390656 of 16777216 (50.01%)
// NOPICTURE-NOT: grid

func.func @causal(%q: tensor<1x8x4096x128xbf16>, %k: tensor<1x8x4096x128xbf16>,
                  %v: tensor<1x8x4096x128xbf16>) -> tensor<1x8x4096x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x8x4096x128xbf16>, tensor<1x8x4096x128xbf16>,
        tensor<1x8x4096x128xbf16> -> tensor<1x8x4096x128xbf16>
  return %o : tensor<1x8x4096x128xbf16>
}

//--- causal_bottom_right.mlir
// Sq = 512 new queries over Sk = 4096 keys. Bottom-right alignment shifts the
// diagonal by Sk - Sq = 3584: the last query sees every key, and only 6
// tiles at the top right are empty. Top-left alignment, for contrast, hides
// nearly the whole cache from these queries.
// RUN: attn-opt --attn-tile-report %t/causal_bottom_right.mlir -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=BR --match-full-lines
// BR-LABEL: attn tile report: attn.attention at {{.*}}causal_bottom_right.mlir:{{[0-9]+}}:{{[0-9]+}}
// BR-NEXT:   mask: causal(bottom_right)
// BR-NEXT:   extents: B=1 Hq=32 Hkv=8 Sq=512 Sk=4096; tiles 128x128, grid 4x32
// BR-NEXT:   head 0: 122 non-empty of 128 tiles (118 full, 4 partial), 6 empty
// BR-NEXT:   visible pairs: 1966336 of 2097152 (93.76%)
// BR-NEXT:   grid (# full, + partial, . empty; rows are Q tiles):
// BR-NEXT:     ############################+...
// BR-NEXT:     #############################+..
// BR-NEXT:     ##############################+.
// BR-NEXT:     ###############################+
// BR-LABEL: attn tile report: attn.attention at {{.*}}causal_bottom_right.mlir:{{[0-9]+}}:{{[0-9]+}}
// BR-NEXT:   mask: causal
// BR-NEXT:   extents: B=1 Hq=32 Hkv=8 Sq=512 Sk=4096; tiles 128x128, grid 4x32
// BR-NEXT:   head 0: 10 non-empty of 128 tiles (6 full, 4 partial), 118 empty
// BR-NEXT:   visible pairs: 131328 of 2097152 (6.26%)
// BR-NEXT:   grid (# full, + partial, . empty; rows are Q tiles):
// BR-NEXT:     +...............................
// BR-NEXT:     #+..............................
// BR-NEXT:     ##+.............................
// BR-NEXT:     ###+............................

func.func @bottom_right(%q: tensor<1x32x512x128xbf16>, %k: tensor<1x8x4096x128xbf16>,
                        %v: tensor<1x8x4096x128xbf16>) -> tensor<1x32x512x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal(bottom_right)>}
      : tensor<1x32x512x128xbf16>, tensor<1x8x4096x128xbf16>,
        tensor<1x8x4096x128xbf16> -> tensor<1x32x512x128xbf16>
  return %o : tensor<1x32x512x128xbf16>
}

func.func @top_left(%q: tensor<1x32x512x128xbf16>, %k: tensor<1x8x4096x128xbf16>,
                    %v: tensor<1x8x4096x128xbf16>) -> tensor<1x32x512x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x32x512x128xbf16>, tensor<1x8x4096x128xbf16>,
        tensor<1x8x4096x128xbf16> -> tensor<1x32x512x128xbf16>
  return %o : tensor<1x32x512x128xbf16>
}

//--- neighborhood_2d.mlir
// NATTEN-style 2-D neighborhood on a 96 x 96 grid (9216 tokens), kernel
// 13 x 13: every query sees 169 keys, so 9216 * 169 = 1557504 visible pairs,
// 1.83% of the dense grid. Only 782 of the 5184 tiles (15%) are visited, all
// partial (a tile never holds a whole 13-wide row band of the grid).
// RUN: attn-opt --attn-tile-report %t/neighborhood_2d.mlir -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=NA2D
// NA2D:      mask: neighborhood(extents = [96, 96], kernel = [13, 13])
// NA2D-NEXT: extents: B=1 Hq=16 Hkv=16 Sq=9216 Sk=9216; tiles 128x128, grid 72x72
// NA2D-NEXT: head 0: 782 non-empty of 5184 tiles (0 full, 782 partial), 4402 empty
// NA2D-NEXT: visible pairs: 1557504 of 84934656 (1.83%)
// NA2D-NEXT: grid (# full, + partial, . empty; rows are Q tiles):
// NA2D-NEXT: +++++...............................
// NA2D:      (each character is 2x2 tiles)

// 64 x 64 tiles: 2922 of 20736 tiles (14%).
// RUN: attn-opt --attn-tile-report='q-tile=64 kv-tile=64 max-width=0' %t/neighborhood_2d.mlir -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=NA2D64
// NA2D64: tiles 64x64, grid 144x144
// NA2D64-NEXT: head 0: 2922 non-empty of 20736 tiles (0 full, 2922 partial), 17814 empty
// NA2D64-NEXT: visible pairs: 1557504 of 84934656 (1.83%)

func.func @na2d(%q: tensor<1x16x9216x128xbf16>, %k: tensor<1x16x9216x128xbf16>,
                %v: tensor<1x16x9216x128xbf16>) -> tensor<1x16x9216x128xbf16> {
  %o = attn.attention %q, %k, %v
      {mask = #attn.mask<neighborhood(extents = [96, 96], kernel = [13, 13])>}
      : tensor<1x16x9216x128xbf16>, tensor<1x16x9216x128xbf16>,
        tensor<1x16x9216x128xbf16> -> tensor<1x16x9216x128xbf16>
  return %o : tensor<1x16x9216x128xbf16>
}

//--- dynamic.mlir
// Dynamic batch and lengths: seq-q / seq-kv give the lengths to draw; the
// batch stays '?'.
// RUN: attn-opt --attn-tile-report='seq-q=8192 seq-kv=8192 max-width=0' %t/dynamic.mlir -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=DYN
// DYN:      mask: causal & (window(1024) | sink(4))
// DYN-NEXT: extents: B=? Hq=32 Hkv=8 Sq=8192 Sk=8192; tiles 128x128, grid 64x64
// DYN-NEXT: head 0: 595 non-empty of 4096 tiles (420 full, 175 partial), 3501 empty
// DYN-NEXT: visible pairs: 7900662 of 67108864 (11.77%)

// Different lengths for queries and keys.
// RUN: attn-opt --attn-tile-report='seq-q=1024 seq-kv=8192 max-width=0' %t/dynamic.mlir -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=DYN_QK
// DYN_QK:      extents: B=? Hq=32 Hkv=8 Sq=1024 Sk=8192; tiles 128x128, grid 8x64
// DYN_QK-NEXT: head 0: 36 non-empty of 512 tiles (28 full, 8 partial), 476 empty

// Without the lengths, or with only one of them, the report refuses.
// RUN: not attn-opt --attn-tile-report %t/dynamic.mlir -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DYN_ERR
// RUN: not attn-opt --attn-tile-report='seq-q=8192' %t/dynamic.mlir -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DYN_ERR
// DYN_ERR: dynamic.mlir:{{[0-9]+}}:{{[0-9]+}}: error: attn-tile-report needs static sequence lengths; give seq-q and seq-kv for dynamic ones
// DYN_ERR-NOT: attn tile report:

func.func @dynamic(%q: tensor<?x32x?x128xbf16>, %k: tensor<?x8x?x128xbf16>,
                   %v: tensor<?x8x?x128xbf16>) -> tensor<?x32x?x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal & (window(1024) | sink(4))>}
      : tensor<?x32x?x128xbf16>, tensor<?x8x?x128xbf16>, tensor<?x8x?x128xbf16>
      -> tensor<?x32x?x128xbf16>
  return %o : tensor<?x32x?x128xbf16>
}

//--- strided.mlir
// S2-Attention shards: head h sees the keys with (k + 64 h + 1) mod 256 == 0.
// With 1000 keys (8 KV tiles, the last one short) head 0's keys 255, 511, 767
// fall in 3 KV tiles, the other heads' in 4: all-heads prints one line per
// head; `head` picks the head that is drawn.
// RUN: attn-opt --attn-tile-report='all-heads=true head=2' %t/strided.mlir -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=STRIDED --match-full-lines
// STRIDED:      mask: strided(64, 256)
// STRIDED-NEXT:   extents: B=1 Hq=4 Hkv=4 Sq=1000 Sk=1000; tiles 128x128, grid 8x8
// STRIDED-NEXT:   head 2: 32 non-empty of 64 tiles (0 full, 32 partial), 32 empty
// STRIDED-NEXT:   visible pairs: 4000 of 1000000 (0.40%)
// STRIDED-NEXT:   head 0: 24 non-empty (0 full, 24 partial), 40 empty
// STRIDED-NEXT:   head 1: 32 non-empty (0 full, 32 partial), 32 empty
// STRIDED-NEXT:   head 2: 32 non-empty (0 full, 32 partial), 32 empty
// STRIDED-NEXT:   head 3: 32 non-empty (0 full, 32 partial), 32 empty
// STRIDED-NEXT:   grid (# full, + partial, . empty; rows are Q tiles):
// STRIDED-NEXT:     +.+.+.+.
// Head 0 instead: its keys lie in KV tiles 1, 3 and 5.
// RUN: attn-opt --attn-tile-report='head=0' %t/strided.mlir -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=STRIDED_H0 --match-full-lines
// STRIDED_H0:      head 0: 24 non-empty of 64 tiles (0 full, 24 partial), 40 empty
// STRIDED_H0-NEXT: visible pairs: 3000 of 1000000 (0.30%)
// STRIDED_H0-NOT:  head 1:
// STRIDED_H0:          .+.+.+..

func.func @strided(%q: tensor<1x4x1000x64xbf16>, %k: tensor<1x4x1000x64xbf16>,
                   %v: tensor<1x4x1000x64xbf16>) -> tensor<1x4x1000x64xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<strided(64, 256)>}
      : tensor<1x4x1000x64xbf16>, tensor<1x4x1000x64xbf16>,
        tensor<1x4x1000x64xbf16> -> tensor<1x4x1000x64xbf16>
  return %o : tensor<1x4x1000x64xbf16>
}

//--- png.mlir
// png= writes the first attention's grid as an RGB PNG, 16 pixels a tile for
// a 32 x 32 grid: 512 x 512. Tile interiors are 15 x 15 pixels: 496 full
// tiles in blue, 496 empty in light grey and 32 partial in orange.
// RUN: attn-opt --attn-tile-report='png=%t/causal.png max-width=0' %t/png.mlir -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=PNG_REPORT
// PNG_REPORT: head 0: 528 non-empty of 1024 tiles (496 full, 32 partial), 496 empty
// PNG_REPORT: picture written to {{.*}}causal.png
// RUN: od -c -N 8 %t/causal.png | FileCheck %s --check-prefix=PNG_MAGIC
// PNG_MAGIC: 0000000 211 P N G \r \n 032 \n
// RUN: %python %S/Inputs/check_png.py %t/causal.png | FileCheck %s --check-prefix=PNG
// PNG:     png 512x512 rgb8 ok
// PNG-DAG: colour 31,78,153: 111600 pixels
// PNG-DAG: colour 250,250,250: 111600 pixels
// PNG-DAG: colour 240,160,40: 7200 pixels

// A path that cannot be written is an error.
// RUN: not attn-opt --attn-tile-report='png=%t/no/such/dir/x.png' %t/png.mlir -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=PNG_ERR
// PNG_ERR: error: attn-tile-report: cannot write '{{.*}}no/such/dir/x.png'

func.func @causal(%q: tensor<1x8x4096x128xbf16>, %k: tensor<1x8x4096x128xbf16>,
                  %v: tensor<1x8x4096x128xbf16>) -> tensor<1x8x4096x128xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x8x4096x128xbf16>, tensor<1x8x4096x128xbf16>,
        tensor<1x8x4096x128xbf16> -> tensor<1x8x4096x128xbf16>
  return %o : tensor<1x8x4096x128xbf16>
}

//--- data_dependent.mlir
// Document ids are run-time data: the report says so, keeps only what the
// causal part proves empty, marks the rest partial and gives the visible
// pairs as an upper bound. Runtime blocks and mask_mod likewise.
// RUN: attn-opt --attn-tile-report='max-width=0' %t/data_dependent.mlir -o /dev/null \
// RUN:   | FileCheck %s --check-prefix=DATA
// DATA-LABEL: mask: causal & document
// DATA-NEXT:  extents: B=2 Hq=8 Hkv=8 Sq=4096 Sk=4096; tiles 128x128, grid 32x32
// DATA-NEXT:  note: the mask reads run-time data; tiles are classified conservatively
// DATA-NEXT:  head 0: 528 non-empty of 1024 tiles (0 full, 528 partial), 496 empty
// DATA-NEXT:  visible pairs: at most 8650752 of 16777216 (51.56%)
// DATA-LABEL: mask: blocks(128, 128, runtime)
// DATA:       note: the mask reads run-time data; tiles are classified conservatively
// DATA-NEXT:  head 0: 1024 non-empty of 1024 tiles (0 full, 1024 partial), 0 empty
// DATA-NEXT:  visible pairs: at most 16777216 of 16777216 (100.00%)
// DATA-LABEL: mask: mask_mod
// DATA:       note: the mask reads run-time data; tiles are classified conservatively
// DATA-NEXT:  head 0: 1024 non-empty of 1024 tiles (0 full, 1024 partial), 0 empty
// DATA-NEXT:  visible pairs: at most
// An exact mask has no note.
// DATA-LABEL: mask: causal{{$}}
// DATA-NOT:   note:
// DATA:       visible pairs: 8390656 of 16777216 (50.01%)

func.func @document(%q: tensor<2x8x4096x64xbf16>, %k: tensor<2x8x4096x64xbf16>,
                    %v: tensor<2x8x4096x64xbf16>, %qs: tensor<2x4096xi32>,
                    %ks: tensor<2x4096xi32>) -> tensor<2x8x4096x64xbf16> {
  %o = attn.attention %q, %k, %v segments(%qs, %ks : tensor<2x4096xi32>, tensor<2x4096xi32>)
      {mask = #attn.mask<causal & document>}
      : tensor<2x8x4096x64xbf16>, tensor<2x8x4096x64xbf16>,
        tensor<2x8x4096x64xbf16> -> tensor<2x8x4096x64xbf16>
  return %o : tensor<2x8x4096x64xbf16>
}

func.func @runtime_blocks(%q: tensor<1x8x4096x64xbf16>, %k: tensor<1x8x4096x64xbf16>,
                          %v: tensor<1x8x4096x64xbf16>, %m: tensor<1x8x32x32xi8>)
    -> tensor<1x8x4096x64xbf16> {
  %o = attn.attention %q, %k, %v block_mask(%m : tensor<1x8x32x32xi8>)
      {mask = #attn.mask<blocks(128, 128, runtime)>}
      : tensor<1x8x4096x64xbf16>, tensor<1x8x4096x64xbf16>,
        tensor<1x8x4096x64xbf16> -> tensor<1x8x4096x64xbf16>
  return %o : tensor<1x8x4096x64xbf16>
}

func.func @mask_mod(%q: tensor<1x8x4096x64xbf16>, %k: tensor<1x8x4096x64xbf16>,
                    %v: tensor<1x8x4096x64xbf16>) -> tensor<1x8x4096x64xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<mask_mod>}
      : tensor<1x8x4096x64xbf16>, tensor<1x8x4096x64xbf16>,
        tensor<1x8x4096x64xbf16> -> tensor<1x8x4096x64xbf16>
      mask_mod {
  ^bb0(%b: index, %h: index, %qi: index, %ki: index):
    %visible = arith.cmpi ule, %ki, %qi : index
    attn.yield %visible : i1
  }
  return %o : tensor<1x8x4096x64xbf16>
}

func.func @exact(%q: tensor<1x8x4096x64xbf16>, %k: tensor<1x8x4096x64xbf16>,
                 %v: tensor<1x8x4096x64xbf16>) -> tensor<1x8x4096x64xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x8x4096x64xbf16>, tensor<1x8x4096x64xbf16>,
        tensor<1x8x4096x64xbf16> -> tensor<1x8x4096x64xbf16>
  return %o : tensor<1x8x4096x64xbf16>
}

//--- bad_options.mlir
// Tile sizes below 1 and heads out of range are errors, not reports.
// RUN: not attn-opt --attn-tile-report='q-tile=0' %t/bad_options.mlir -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD_TILE
// RUN: not attn-opt --attn-tile-report='kv-tile=-128' %t/bad_options.mlir -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD_TILE
// BAD_TILE: error: attn-tile-report: tile sizes must be >= 1
// BAD_TILE-NOT: attn tile report:

// TODO: the message prints the head as a character (head=8 shows "\b");
// tighten to "head 8 is out of range" once TileReport.cpp prints the number.
// RUN: not attn-opt --attn-tile-report='head=8' %t/bad_options.mlir -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD_HEAD
// RUN: not attn-opt --attn-tile-report='head=-1' %t/bad_options.mlir -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD_HEAD
// BAD_HEAD: bad_options.mlir:{{[0-9]+}}:{{[0-9]+}}: error: attn-tile-report: head {{.*}} is out of range for 8 query heads
// BAD_HEAD-NOT: attn tile report:

// Option values that do not parse, and unknown options.
// RUN: not attn-opt --attn-tile-report='q-tile=abc' %t/bad_options.mlir -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD_VALUE
// BAD_VALUE: 'abc' value invalid
// RUN: not attn-opt --attn-tile-report='tile=64' %t/bad_options.mlir -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD_NAME
// BAD_NAME: no such option tile

func.func @eight_heads(%q: tensor<1x8x1024x64xbf16>, %k: tensor<1x8x1024x64xbf16>,
                       %v: tensor<1x8x1024x64xbf16>) -> tensor<1x8x1024x64xbf16> {
  %o = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>,
        tensor<1x8x1024x64xbf16> -> tensor<1x8x1024x64xbf16>
  return %o : tensor<1x8x1024x64xbf16>
}
