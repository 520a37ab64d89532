// RUN: attn-opt %s -split-input-file -allow-unregistered-dialect -verify-diagnostics

// Diagnostics of the attn dialect: one expected error per chunk. Errors in
// #attn.mask / #attn.score bodies are reported inside the attribute, on the
// line of the op; errors of the op verifiers at the op.
// -allow-unregistered-dialect lets a region end with a terminator that does
// not reject attn.attention as its parent (see @mask_mod_region_terminator).

//===----------------------------------------------------------------------===//
// Mask expression syntax (MaskSyntax.cpp, AttnAttrs.cpp)
//===----------------------------------------------------------------------===//

func.func @mask_empty(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected a mask kind, found end of mask expression}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_missing_operand_after_and(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected a mask kind, found end of mask expression}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal &>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_operand_not_a_kind(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected a mask kind or '(', found '4'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal | 4>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_unknown_kind(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{unknown mask kind 'diagonal'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal & diagonal>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_trailing_garbage(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected '&', '|' or the end of the mask expression, found 'sink'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal sink(4)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_trailing_bad_character(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected '&', '|' or the end of the mask expression, found '^'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal ^ sink(4)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_missing_rparen(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected ')', found 'sink'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<(causal sink(4))>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_nests_too_deep(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{mask expression nests deeper than 200}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((causal))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_integer_overflow(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{integer '99999999999999999999' for the sink size does not fit in 64 bits}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<sink(99999999999999999999)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_float_for_integer(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected an integer for the window's left extent}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<window(1.5)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_kind_missing_lparen(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected '(' after window, found '>'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<window>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_kind_missing_comma(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected ',', found '2'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<dilated(8 2)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_list_missing_lparen(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected '(' to open head cases, found '['}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads[0] : causal>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// causal, window, sink, prefix
//===----------------------------------------------------------------------===//

func.func @causal_unknown_alignment(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{unknown alignment 'bottom_left', expected 'top_left' or 'bottom_right'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal(bottom_left)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @causal_alignment_not_a_word(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected an alignment ('top_left' or 'bottom_right')}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal(1)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @window_negative_extent(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{window extents must be >= 0, found (4, -1)}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<window(4, -1)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @window_extent_too_large(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{window extents must be < 2^60}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<window(1152921504606846976)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @window_alignment_after_right_unknown(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{unknown alignment 'left'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<window(4, 2, left)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @window_too_many_arguments(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected ')', found ','}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<window(4, 2, bottom_right, 1)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @sink_zero(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{sink size must be >= 1, found 0}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<sink(0)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @prefix_zero(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{prefix length must be >= 1, found 0}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<prefix(0)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @prefix_missing_length(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected an integer for the prefix length}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<prefix()>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// document, chunk, dilated, global, strided
//===----------------------------------------------------------------------===//

func.func @document_unknown_encoding(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{unknown document encoding 'lengths', expected 'ids' or 'offsets'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<document(lengths)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @document_encoding_not_a_word(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected 'ids' or 'offsets'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<document(0)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @chunk_size_zero(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{chunk size must be >= 1 and < 2^60, found 0}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<chunk(0)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @chunk_shift_out_of_range(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{chunk shift must be in [0, 8), found 8}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<chunk(8, 8)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @chunk_shift_negative(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{chunk shift must be in [0, 8), found -1}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<chunk(8, -1)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @dilated_negative_width(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{dilated window width must be >= 0 and < 2^60, found -1}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<dilated(-1, 2)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @dilated_zero_dilation(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{dilation must be >= 1 and < 2^60, found 0}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<dilated(8, 0)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @global_empty(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{the global token list must not be empty}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<global()>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @global_negative_token(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{global token must be >= 0, found -1}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<global(-1, 3)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @global_not_increasing(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{global tokens must be strictly increasing, found 4 before 4}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<global(0, 4, 4)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @global_missing_rparen(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected ')' or ','}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<global(0, 4 5)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @strided_negative_shift(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{strided shift must be >= 0 and < 2^60, found -1}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<strided(-1, 4)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @strided_zero_period(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{strided period must be >= 1 and < 2^60, found 0}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<strided(1, 0)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @strided_negative_local(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{strided local window must be >= 0, found -2}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<strided(1, 4, -2)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @strided_local_too_large(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{strided local window must be >= 0 and < 2^60, found 1152921504606846976}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<strided(1, 4, 1152921504606846976)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// neighborhood
//===----------------------------------------------------------------------===//

func.func @neighborhood_unknown_parameter(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{unknown neighborhood parameter 'size', expected extents, kernel, dilation, stride or causal}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = 16, kernel = 3, size = 3)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_parameter_twice(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood parameter 'kernel' given twice}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = 16, kernel = 3, kernel = 5)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_missing_kernel(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood needs both 'extents' and 'kernel'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = 16)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_missing_extents(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood needs both 'extents' and 'kernel'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(kernel = 3, dilation = 2)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_missing_equal(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected '=', found '16'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents 16, kernel = 3)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_parameter_name_not_a_word(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected a neighborhood parameter name}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = 16, 3 = kernel)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_empty(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood parameters must not be empty}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood()>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_empty_extents(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{extents must not be empty}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [], kernel = 3)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_causal_not_bool(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected 'true' or 'false'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = 16, kernel = 3, causal = [1])>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_four_axes(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood needs 1 to 3 axes, found 4}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [2, 2, 2, 2], kernel = 1)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_rank_mismatch(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood parameters must all have 2 entries (one per axis of extents)}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [4, 4], kernel = [3, 3, 3])>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_zero_extent(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood extent 0 on axis 0 is out of range}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [0, 16], kernel = 1)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_grid_too_large(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood grid is too large}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [1048576, 2097152], kernel = 1)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_zero_kernel(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood kernel must be >= 1, found 0 on axis 1}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [4, 4], kernel = [3, 0])>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_zero_dilation(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood dilation must be >= 1, found 0 on axis 0}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = 16, kernel = 3, dilation = 0)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_kernel_larger_than_extent(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood kernel 17 with dilation 1 does not fit extent 16 on axis 0}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = 16, kernel = 17)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_dilated_kernel_does_not_fit(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood kernel 5 with dilation 4 does not fit extent 16 on axis 0}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = 16, kernel = 5, dilation = 4)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_stride_larger_than_kernel(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood stride must be in [1, kernel = 3], found 4 on axis 0}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = 16, kernel = 3, stride = 4)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_grid_does_not_match_query_length(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood grid of 32 tokens does not match query length 16}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [4, 8], kernel = 3)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @neighborhood_grid_does_not_match_key_length(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x32x8xf32>, %v: tensor<1x4x32x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood grid of 16 tokens does not match key length 32}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [4, 4], kernel = 3)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x32x8xf32>, tensor<1x4x32x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// blocks
//===----------------------------------------------------------------------===//

func.func @blocks_zero_block_size(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{block sizes must be >= 1, found (0, 16)}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<blocks(0, 16, runtime)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @blocks_layout_not_a_list(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected 'runtime' or a nested list of 0/1}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<blocks(16, 16, static)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @blocks_layout_entry_not_bit(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{block layout entries must be 0 or 1, found 2}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<blocks(16, 16, [[1, 2]])>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @blocks_layout_too_deep(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{block layout nests deeper than 3 levels}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<blocks(16, 16, [[[[1]]]])>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @blocks_layout_rows_differ(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{block layout is not rectangular: a row has 1 entries, another 2}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<blocks(16, 16, [[1, 0], [1]])>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @blocks_layout_entries_at_different_depths(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{block layout is not rectangular: entries at different depths}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<blocks(16, 16, [[1, 0], 1])>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @blocks_layout_one_level(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{block layout must be [nq][nk] or [heads][nq][nk]}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<blocks(16, 16, [1, 0])>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @blocks_layout_empty_row(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{a block layout row must not be empty}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<blocks(16, 16, [[]])>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// heads
//===----------------------------------------------------------------------===//

func.func @heads_two_fallbacks(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{heads has more than one '*' case}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads([0] : causal, * : all, * : sink(1))>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @heads_duplicate_head(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{heads: head 1 is listed twice}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads([0, 1] : causal, [1] : all, * : sink(1))>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @heads_negative_head(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{heads: head index must be >= 0, found -1}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads([-1] : causal, * : all)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @heads_missing_colon(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected ':' after the heads, found 'causal'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads([0] causal, * : all)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @heads_empty(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{head cases must not be empty}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads()>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @heads_empty_head_list(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{a head list must not be empty}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads([] : causal, * : all)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @heads_or_needs_parentheses(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected ')' or ',', found '|'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads([0] : causal | sink(1), * : all)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @heads_head_out_of_range(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{heads: head 4 is out of range for 4 query heads}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads([0, 4] : causal, * : all)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @heads_head_not_covered(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{heads: no case covers head 2 and there is no '*' case}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads([0, 1] : causal, [3] : all)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @heads_case_verified_against_shape(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{global token 16 is out of range for sequence length 16}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<heads([0] : causal, * : global(16))>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Score modifiers
//===----------------------------------------------------------------------===//

func.func @score_empty(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected a score modifier (alibi, softcap, bias, score_mod)}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @score_unknown_modifier(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{unknown score modifier 'temperature', expected alibi, softcap, bias or score_mod}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<alibi, temperature(2.0)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @score_trailing_garbage(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected ',' or the end of the score modifiers, found 'softcap'}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<alibi softcap(30.0)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @score_trailing_comma(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected a score modifier}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<alibi,>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @alibi_zero_max_bias(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{ALiBi maximum bias must be > 0}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<alibi(0.0)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @alibi_missing_rparen(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected ')', found ','}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<alibi(4.0, 2.0)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @softcap_negative(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{softcap must be > 0}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<softcap(-30.0)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @softcap_missing_argument(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected '(' after softcap, found '>'}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<softcap>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @softcap_not_a_number(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{expected a number for the softcap}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<softcap(cap)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @softcap_out_of_range(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{number '1e999' for the softcap is out of range}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<softcap(1e999)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// attn.attention: shapes and element types
//===----------------------------------------------------------------------===//

func.func @attention_query_rank_3(%q: tensor<4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{'attn.attention' op query must have rank 4 ([B, H, S, D] for layout bhsd), found rank 3}}
  %0 = attn.attention %q, %k, %v
      : tensor<4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_output_rank_5_bshd(%q: tensor<1x16x4x8xf32>, %k: tensor<1x16x4x8xf32>, %v: tensor<1x16x4x8xf32>) -> tensor<1x16x4x8x1xf32> {
  // expected-error@+1 {{output must have rank 4 ([B, S, H, D] for layout bshd), found rank 5}}
  %0 = attn.attention %q, %k, %v {layout = #attn.layout<bshd>}
      : tensor<1x16x4x8xf32>, tensor<1x16x4x8xf32>, tensor<1x16x4x8xf32> -> tensor<1x16x4x8x1xf32>
  return %0 : tensor<1x16x4x8x1xf32>
}

// -----

func.func @attention_dynamic_head_count(%q: tensor<1x?x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{query head count must be static}}
  %0 = attn.attention %q, %k, %v
      : tensor<1x?x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_dynamic_head_dim(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x?xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{value head dim must be static}}
  %0 = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x?xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_key_value_head_counts_differ(%q: tensor<1x4x16x8xf32>, %k: tensor<1x2x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{key and value must have the same head count, found 2 and 4}}
  %0 = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_query_heads_not_multiple_of_kv_heads(%q: tensor<1x6x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x6x16x8xf32> {
  // expected-error@+1 {{query heads (6) must be a multiple of key/value heads (4)}}
  %0 = attn.attention %q, %k, %v
      : tensor<1x6x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x6x16x8xf32>
  return %0 : tensor<1x6x16x8xf32>
}

// -----

func.func @attention_zero_kv_heads(%q: tensor<1x4x16x8xf32>, %k: tensor<1x0x16x8xf32>, %v: tensor<1x0x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{query heads (4) must be a multiple of key/value heads (0)}}
  %0 = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x0x16x8xf32>, tensor<1x0x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_query_key_head_dims_differ(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x16xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{query and key head dims differ: 8 vs 16}}
  %0 = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x16xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_zero_value_head_dim(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x0xf32>) -> tensor<1x4x16x0xf32> {
  // expected-error@+1 {{head dims must be >= 1}}
  %0 = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x0xf32> -> tensor<1x4x16x0xf32>
  return %0 : tensor<1x4x16x0xf32>
}

// -----

func.func @attention_batch_sizes_differ(%q: tensor<?x4x16x8xf32>, %k: tensor<2x4x16x8xf32>, %v: tensor<3x4x16x8xf32>) -> tensor<?x4x16x8xf32> {
  // expected-error@+1 {{batch sizes differ: query ?, key 2, value 3}}
  %0 = attn.attention %q, %k, %v
      : tensor<?x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<3x4x16x8xf32> -> tensor<?x4x16x8xf32>
  return %0 : tensor<?x4x16x8xf32>
}

// -----

func.func @attention_key_value_lengths_differ(%q: tensor<1x16x4x8xf32>, %k: tensor<1x32x4x8xf32>, %v: tensor<1x24x4x8xf32>) -> tensor<1x16x4x8xf32> {
  // expected-error@+1 {{key and value sequence lengths differ: 32 vs 24}}
  %0 = attn.attention %q, %k, %v {layout = #attn.layout<bshd>}
      : tensor<1x16x4x8xf32>, tensor<1x32x4x8xf32>, tensor<1x24x4x8xf32> -> tensor<1x16x4x8xf32>
  return %0 : tensor<1x16x4x8xf32>
}

// -----

func.func @attention_mixed_input_element_types(%q: tensor<1x4x16x8xf16>, %k: tensor<1x4x16x8xbf16>, %v: tensor<1x4x16x8xf16>) -> tensor<1x4x16x8xf16> {
  // expected-error@+1 {{query, key and value must share an element type, found 'f16', 'bf16', 'f16'}}
  %0 = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf16>, tensor<1x4x16x8xbf16>, tensor<1x4x16x8xf16> -> tensor<1x4x16x8xf16>
  return %0 : tensor<1x4x16x8xf16>
}

// -----

func.func @attention_output_element_type(%q: tensor<1x4x16x8xbf16>, %k: tensor<1x4x16x8xbf16>, %v: tensor<1x4x16x8xbf16>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{output element type 'f32' must match the inputs' 'bf16'}}
  %0 = attn.attention %q, %k, %v
      : tensor<1x4x16x8xbf16>, tensor<1x4x16x8xbf16>, tensor<1x4x16x8xbf16> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_output_head_dim_is_value_head_dim(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x32xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{output dim 3 is 8, expected 32}}
  %0 = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x32xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_output_heads_are_query_heads_gqa(%q: tensor<1x8x16x8xf32>, %k: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x8xf32>) -> tensor<1x2x16x8xf32> {
  // expected-error@+1 {{output dim 1 is 2, expected 8}}
  %0 = attn.attention %q, %k, %v
      : tensor<1x8x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32> -> tensor<1x2x16x8xf32>
  return %0 : tensor<1x2x16x8xf32>
}

// -----

func.func @attention_output_length_is_query_length(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x32x8xf32>, %v: tensor<1x4x32x8xf32>) -> tensor<1x4x32x8xf32> {
  // expected-error@+1 {{output dim 2 is 32, expected 16}}
  %0 = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x32x8xf32>, tensor<1x4x32x8xf32> -> tensor<1x4x32x8xf32>
  return %0 : tensor<1x4x32x8xf32>
}

// -----

func.func @attention_float_type_constraint(%q: tensor<1x4x16x8xf64>, %k: tensor<1x4x16x8xf64>, %v: tensor<1x4x16x8xf64>) -> tensor<1x4x16x8xf64> {
  // expected-error@+1 {{operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float values}}
  %0 = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf64>, tensor<1x4x16x8xf64>, tensor<1x4x16x8xf64> -> tensor<1x4x16x8xf64>
  return %0 : tensor<1x4x16x8xf64>
}

// -----

//===----------------------------------------------------------------------===//
// attn.attention: LSE and scale
//===----------------------------------------------------------------------===//

func.func @attention_return_lse_without_result(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{has return_lse but no LSE result}}
  %0 = attn.attention %q, %k, %v {return_lse}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_lse_result_without_return_lse(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{has an LSE result but no return_lse}}
  %0, %lse = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>, tensor<1x4x16xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_lse_shape(%q: tensor<?x4x16x8xf32>, %k: tensor<?x4x16x8xf32>, %v: tensor<?x4x16x8xf32>) -> tensor<?x4x16x8xf32> {
  // expected-error@+1 {{LSE must be [B, Hq, Sq] = [?, 4, 16], found 'tensor<?x4x32xf32>'}}
  %0, %lse = attn.attention %q, %k, %v {return_lse}
      : tensor<?x4x16x8xf32>, tensor<?x4x16x8xf32>, tensor<?x4x16x8xf32> -> tensor<?x4x16x8xf32>, tensor<?x4x32xf32>
  return %0 : tensor<?x4x16x8xf32>
}

// -----

func.func @attention_lse_rank(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{LSE must be [B, Hq, Sq] = [1, 4, 16], found 'tensor<1x4x16x1xf32>'}}
  %0, %lse = attn.attention %q, %k, %v {return_lse}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>, tensor<1x4x16x1xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_lse_element_type(%q: tensor<1x4x16x8xf16>, %k: tensor<1x4x16x8xf16>, %v: tensor<1x4x16x8xf16>) -> tensor<1x4x16x8xf16> {
  // expected-error@+1 {{result #1 must be ranked tensor of 32-bit float values}}
  %0, %lse = attn.attention %q, %k, %v {return_lse}
      : tensor<1x4x16x8xf16>, tensor<1x4x16x8xf16>, tensor<1x4x16x8xf16> -> tensor<1x4x16x8xf16>, tensor<1x4x16xf16>
  return %0 : tensor<1x4x16x8xf16>
}

// -----

func.func @attention_scale_zero(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{scale must be finite and > 0, found 0}}
  %0 = attn.attention %q, %k, %v {scale = 0.0 : f32}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_scale_infinite(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{scale must be finite and > 0, found INF}}
  %0 = attn.attention %q, %k, %v {scale = 0x7F800000 : f32}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_scale_not_f32(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{attribute 'scale' failed to satisfy constraint: 32-bit float attribute}}
  %0 = attn.attention %q, %k, %v {scale = 0.5 : f64}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_mask_attr_kind(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{attribute 'mask' failed to satisfy constraint: A mask expression}}
  %0 = attn.attention %q, %k, %v {mask = #attn.score<alibi>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @attention_unknown_attn_attribute(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{unknown attn attribute 'causal'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.causal}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// attn.attention: operands the mask needs (document, blocks runtime)
//===----------------------------------------------------------------------===//

func.func @document_ids_and_offsets(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>, %qs: tensor<1x16xi32>, %ks: tensor<1x16xi32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{mask uses document ids and document offsets; the segments operands can hold only one}}
  %0 = attn.attention %q, %k, %v segments(%qs, %ks : tensor<1x16xi32>, tensor<1x16xi32>) {mask = #attn.mask<document | document(offsets)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @document_only_query_segments(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>, %qs: tensor<1x16xi32>) -> tensor<1x4x16x8xf32> {
  // The custom syntax always takes both; the generic form can give one.
  // expected-error@+1 {{segments needs both query and key operands}}
  %0 = "attn.attention"(%q, %k, %v, %qs) <{mask = #attn.mask<document>, operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 0, 0>}> ({}, {})
      : (tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x16xi32>) -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @document_without_segments(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{mask kind 'document' needs the segments(%q_ids, %kv_ids) operands}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal & document>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @segments_without_document(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>, %qs: tensor<1x16xi32>, %ks: tensor<1x16xi32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{segments operands given but the mask has no 'document' kind}}
  %0 = attn.attention %q, %k, %v segments(%qs, %ks : tensor<1x16xi32>, tensor<1x16xi32>) {mask = #attn.mask<causal>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @document_segment_ids_rank(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>, %qs: tensor<16xi32>, %ks: tensor<1x16xi32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{query segments must be [B, S], found 'tensor<16xi32>'}}
  %0 = attn.attention %q, %k, %v segments(%qs, %ks : tensor<16xi32>, tensor<1x16xi32>) {mask = #attn.mask<document>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @document_offsets_batch(%q: tensor<2x4x16x8xf32>, %k: tensor<2x4x16x8xf32>, %v: tensor<2x4x16x8xf32>, %qs: tensor<2x5xi32>, %ks: tensor<3x5xi32>) -> tensor<2x4x16x8xf32> {
  // expected-error@+1 {{key segments must be [B, documents + 1], found 'tensor<3x5xi32>'}}
  %0 = attn.attention %q, %k, %v segments(%qs, %ks : tensor<2x5xi32>, tensor<3x5xi32>) {mask = #attn.mask<document(offsets)>}
      : tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32> -> tensor<2x4x16x8xf32>
  return %0 : tensor<2x4x16x8xf32>
}

// -----

func.func @document_segment_ids_length(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x32x8xf32>, %v: tensor<1x4x32x8xf32>, %qs: tensor<1x16xi64>, %ks: tensor<1x16xi64>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{key segment ids have length 16, the sequence has 32}}
  %0 = attn.attention %q, %k, %v segments(%qs, %ks : tensor<1x16xi64>, tensor<1x16xi64>) {mask = #attn.mask<document>}
      : tensor<1x4x16x8xf32>, tensor<1x4x32x8xf32>, tensor<1x4x32x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @document_offsets_too_few(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>, %qs: tensor<1x1xi32>, %ks: tensor<1x3xi32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{query document offsets need at least 2 entries}}
  %0 = attn.attention %q, %k, %v segments(%qs, %ks : tensor<1x1xi32>, tensor<1x3xi32>) {mask = #attn.mask<document(offsets)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @segments_type_constraint(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>, %qs: tensor<1x16xf32>, %ks: tensor<1x16xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{operand #3 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<1x16xf32>'}}
  %0 = attn.attention %q, %k, %v segments(%qs, %ks : tensor<1x16xf32>, tensor<1x16xf32>) {mask = #attn.mask<document>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @blocks_runtime_without_block_mask(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{mask kind 'blocks(.., runtime)' needs the block_mask(%m) operand}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<blocks(8, 8, runtime)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @block_mask_without_runtime_blocks(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>, %m: tensor<1x4x2x2xi1>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{block_mask operand given but the mask has no runtime 'blocks' kind}}
  %0 = attn.attention %q, %k, %v block_mask(%m : tensor<1x4x2x2xi1>) {mask = #attn.mask<blocks(8, 8, [[1, 0], [1, 1]])>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @block_mask_shape(%q: tensor<2x4x16x8xf32>, %k: tensor<2x4x20x8xf32>, %v: tensor<2x4x20x8xf32>, %m: tensor<1x4x2x2xi8>) -> tensor<2x4x16x8xf32> {
  // 20 keys in blocks of 8 need 3 key blocks.
  // expected-error@+1 {{block_mask must be [B or 1, Hq or 1, 2, 3] for blocks of 8x8, found 'tensor<1x4x2x2xi8>'}}
  %0 = attn.attention %q, %k, %v block_mask(%m : tensor<1x4x2x2xi8>) {mask = #attn.mask<blocks(8, 8, runtime)>}
      : tensor<2x4x16x8xf32>, tensor<2x4x20x8xf32>, tensor<2x4x20x8xf32> -> tensor<2x4x16x8xf32>
  return %0 : tensor<2x4x16x8xf32>
}

// -----

func.func @block_mask_heads(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>, %m: tensor<1x2x2x2xi1>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{block_mask must be [B or 1, Hq or 1, 2, 2] for blocks of 8x8, found 'tensor<1x2x2x2xi1>'}}
  %0 = attn.attention %q, %k, %v block_mask(%m : tensor<1x2x2x2xi1>) {mask = #attn.mask<blocks(8, 8, runtime)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @block_mask_type_constraint(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>, %m: tensor<1x4x2x2xi64>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{operand #3 must be ranked tensor of 1-bit signless integer or 8-bit signless integer or 32-bit signless integer values}}
  %0 = attn.attention %q, %k, %v block_mask(%m : tensor<1x4x2x2xi64>) {mask = #attn.mask<blocks(8, 8, runtime)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @blocks_static_layout_heads(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{block layout has 2 heads, the op has 4 query heads}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<blocks(8, 8, [[[1, 0], [1, 1]], [[1, 1], [1, 1]]])>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @blocks_static_layout_query_blocks(%q: tensor<1x4x24x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x24x8xf32> {
  // expected-error@+1 {{block layout covers 2 query blocks, Sq = 24 needs 3}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<blocks(8, 8, [[1, 0], [1, 1]])>}
      : tensor<1x4x24x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x24x8xf32>
  return %0 : tensor<1x4x24x8xf32>
}

// -----

func.func @blocks_static_layout_key_blocks(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x17x8xf32>, %v: tensor<1x4x17x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{block layout covers 2 key blocks, Sk = 17 needs 3}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<blocks(8, 8, [[1, 0], [1, 1]])>}
      : tensor<1x4x16x8xf32>, tensor<1x4x17x8xf32>, tensor<1x4x17x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @global_token_out_of_range(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x32x8xf32>, %v: tensor<1x4x32x8xf32>) -> tensor<1x4x16x8xf32> {
  // The longer of Sq and Sk bounds the tokens.
  // expected-error@+1 {{global token 32 is out of range for sequence length 32}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal | global(0, 31, 32)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x32x8xf32>, tensor<1x4x32x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @not_operand_verified_against_shape(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{neighborhood grid of 8 tokens does not match query length 16}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<sink(1) & !neighborhood(extents = 8, kernel = 3)>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// attn.attention: mask_mod and score_mod regions, bias operand
//===----------------------------------------------------------------------===//

func.func @mask_mod_kind_without_region(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{mask kind 'mask_mod' needs a mask_mod region}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal & mask_mod>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_mod_region_without_kind(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{mask_mod region given but the mask does not use 'mask_mod'}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<causal>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
      mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c = arith.cmpi ule, %j, %i : index
    attn.yield %c : i1
  }
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_mod_region_two_blocks(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{mask_mod region must have one block}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<mask_mod>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
      mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c = arith.cmpi ule, %j, %i : index
    attn.yield %c : i1
  ^bb1:
    %t = arith.constant true
    attn.yield %t : i1
  }
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_mod_region_arguments(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{mask_mod region must take (b, h, q, k : index)}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<mask_mod>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
      mask_mod {
  ^bb0(%i: index, %j: index):
    %c = arith.cmpi ule, %j, %i : index
    attn.yield %c : i1
  }
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_mod_region_terminator(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // Every registered terminator but attn.yield rejects this parent itself:
  // only an unregistered one reaches the region verifier.
  // expected-error@+1 {{mask_mod region must end with attn.yield}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<mask_mod>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
      mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c = arith.cmpi ule, %j, %i : index
    "test.terminator"(%c) : (i1) -> ()
  }
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_mod_yields_index(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<mask_mod>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
      mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    // expected-error@+1 {{'attn.yield' op in mask_mod must yield one 'i1'}}
    attn.yield %i : index
  }
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @mask_mod_yields_nothing(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<mask_mod>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
      mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    // expected-error@+1 {{in mask_mod must yield one 'i1'}}
    attn.yield
  }
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @yield_outside_attention() {
  %t = arith.constant true
  // expected-error@+1 {{'attn.yield' op expects parent op to be one of 'attn.attention, attn.score_map'}}
  attn.yield %t : i1
}

// -----

func.func @score_mod_term_without_region(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{score modifier 'score_mod' needs a score_mod region}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<alibi, score_mod>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @score_mod_region_without_term(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{score_mod region given but the score modifiers do not use 'score_mod'}}
  %0 = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
      score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    attn.yield %s : f32
  }
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @score_mod_region_two_blocks(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{score_mod region must have one block}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<score_mod>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
      score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    attn.yield %s : f32
  ^bb1(%t: f32):
    attn.yield %t : f32
  }
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @score_mod_region_arguments(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{score_mod region must take (s : f32, b, h, q, k : index)}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<score_mod>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
      score_mod {
  ^bb0(%s: f16, %b: index, %h: index, %i: index, %j: index):
    attn.yield %s : f16
  }
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @score_mod_region_terminator(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{score_mod region must end with attn.yield}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<score_mod>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
      score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    "test.terminator"(%s) : (f32) -> ()
  }
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @score_mod_yields_two_values(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %0 = attn.attention %q, %k, %v {score = #attn.score<score_mod>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
      score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    // expected-error@+1 {{'attn.yield' op in score_mod must yield one 'f32'}}
    attn.yield %s, %s : f32, f32
  }
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @bias_term_without_operand(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{score modifier 'bias' needs the bias(%b) operand}}
  %0 = attn.attention %q, %k, %v {score = #attn.score<bias>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @bias_operand_without_term(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>, %v: tensor<1x4x16x8xf32>, %b: tensor<1x4x16x16xf32>) -> tensor<1x4x16x8xf32> {
  // expected-error@+1 {{bias operand given but the score modifiers have no 'bias'}}
  %0 = attn.attention %q, %k, %v bias(%b : tensor<1x4x16x16xf32>) {score = #attn.score<alibi>}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32> -> tensor<1x4x16x8xf32>
  return %0 : tensor<1x4x16x8xf32>
}

// -----

func.func @bias_shape_bshd(%q: tensor<2x16x4x8xf32>, %k: tensor<2x32x4x8xf32>, %v: tensor<2x32x4x8xf32>, %b: tensor<2x16x4x32xf32>) -> tensor<2x16x4x8xf32> {
  // The bias is [B, H, Sq, Sk] whatever the layout.
  // expected-error@+1 {{bias must be [B or 1, Hq or 1, Sq, Sk] = [2, 4, 16, 32], found 'tensor<2x16x4x32xf32>'}}
  %0 = attn.attention %q, %k, %v bias(%b : tensor<2x16x4x32xf32>) {layout = #attn.layout<bshd>, score = #attn.score<bias>}
      : tensor<2x16x4x8xf32>, tensor<2x32x4x8xf32>, tensor<2x32x4x8xf32> -> tensor<2x16x4x8xf32>
  return %0 : tensor<2x16x4x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// attn.einsum
//===----------------------------------------------------------------------===//

func.func @einsum_no_arrow(%a: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'attn.einsum' op equation 'pm' has no '->'}}
  %0 = attn.einsum copy "pm" reduce max (%a) : (tensor<4x8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @einsum_term_count(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error@+1 {{equation names 1 inputs, the op has 2}}
  %0 = attn.einsum add "pm->pm" (%a, %b) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @einsum_binary_compute_one_input(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error@+1 {{compute 'exp_sub' takes 2 input(s), found 1}}
  %0 = attn.einsum exp_sub "pm->pm" (%a) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @einsum_unary_compute_two_inputs(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error@+1 {{compute 'exp' takes 1 input(s), found 2}}
  %0 = attn.einsum exp "pm,pm->pm" (%a, %b) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @einsum_input_rank(%a: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{input 'pme' names 3 axes, its type has rank 2}}
  %0 = attn.einsum copy "pme->p" reduce add (%a) : (tensor<4x8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @einsum_output_rank(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error@+1 {{output 'p' names 1 axes, its type has rank 2}}
  %0 = attn.einsum copy "pm->p" reduce add (%a) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @einsum_axis_not_a_letter(%a: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{equation axes must be letters a-z, found 'M'}}
  %0 = attn.einsum copy "pM->p" reduce add (%a) : (tensor<4x8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @einsum_repeated_input_axis(%a: tensor<8x8xf32>) -> tensor<8xf32> {
  // expected-error@+1 {{input 'mm' repeats axis 'm'}}
  %0 = attn.einsum copy "mm->m" (%a) : (tensor<8x8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @einsum_repeated_output_axis(%a: tensor<8xf32>) -> tensor<8x8xf32> {
  // expected-error@+1 {{output 'mm' repeats axis 'm'}}
  %0 = attn.einsum copy "m->mm" (%a) : (tensor<8xf32>) -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @einsum_axis_extents_differ(%q: tensor<4x16xf32>, %k: tensor<8x32xf32>) -> tensor<4x8xf32> {
  // expected-error@+1 {{axis 'e' has extent 16 and 32}}
  %0 = attn.einsum mul "pe,me->pm" reduce add (%q, %k) : (tensor<4x16xf32>, tensor<8x32xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @einsum_output_extent_differs(%a: tensor<4x8xf32>) -> tensor<5xf32> {
  // expected-error@+1 {{axis 'p' has extent 4 and 5}}
  %0 = attn.einsum copy "pm->p" reduce max (%a) : (tensor<4x8xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @einsum_output_axis_not_in_inputs(%a: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error@+1 {{output axis 'm' appears in no input}}
  %0 = attn.einsum copy "p->pm" (%a) : (tensor<4xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @einsum_reduction_without_operator(%a: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{equation reduces an axis but the op has no reduce operator}}
  %0 = attn.einsum copy "pm->p" (%a) : (tensor<4x8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @einsum_operator_without_reduction(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error@+1 {{reduce operator given but the equation reduces no axis}}
  %0 = attn.einsum exp "pm->pm" reduce add (%a) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @einsum_integer_operand(%a: tensor<4x8xi32>) -> tensor<4x8xi32> {
  // expected-error@+1 {{operand #0 must be variadic of ranked tensor of floating-point values}}
  %0 = attn.einsum copy "pm->pm" (%a) : (tensor<4x8xi32>) -> tensor<4x8xi32>
  return %0 : tensor<4x8xi32>
}

// -----

func.func @einsum_mixed_input_types(%a: tensor<4x8xf16>, %b: tensor<4x8xbf16>) -> tensor<4x8xf32> {
  // expected-error@+1 {{inputs must share an element type, found 'f16' and 'bf16'}}
  %0 = attn.einsum mul "pm,pm->pm" (%a, %b) : (tensor<4x8xf16>, tensor<4x8xbf16>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @neighborhood_dilation_overflow(%q: tensor<1x4x8x8xf32>, %k: tensor<1x4x8x8xf32>, %v: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error@+1 {{neighborhood kernel 4 with dilation 4611686018427387904 does not fit extent 8 on axis 0}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = 8, kernel = 4, dilation = 4611686018427387904)>}
      : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32> -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @neighborhood_grid_overflow(%q: tensor<1x4x?x8xf32>, %k: tensor<1x4x?x8xf32>, %v: tensor<1x4x?x8xf32>) -> tensor<1x4x?x8xf32> {
  // expected-error@+1 {{neighborhood grid is too large}}
  %0 = attn.attention %q, %k, %v {mask = #attn.mask<neighborhood(extents = [1048576, 1048576, 2147483648], kernel = 1)>}
      : tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32> -> tensor<1x4x?x8xf32>
  return %0 : tensor<1x4x?x8xf32>
}

// -----

func.func @runtime_blocks_with_two_sizes(%q: tensor<1x4x128x8xf32>, %k: tensor<1x4x128x8xf32>, %v: tensor<1x4x128x8xf32>, %m: tensor<1x4x2x2xi8>) -> tensor<1x4x128x8xf32> {
  // expected-error@+1 {{runtime 'blocks' kinds read one block_mask operand and must share one block size}}
  %0 = attn.attention %q, %k, %v block_mask(%m : tensor<1x4x2x2xi8>) {mask = #attn.mask<blocks(32, 32, runtime) | blocks(64, 64, runtime)>}
      : tensor<1x4x128x8xf32>, tensor<1x4x128x8xf32>, tensor<1x4x128x8xf32> -> tensor<1x4x128x8xf32>
  return %0 : tensor<1x4x128x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// attn.score_map (the messages on operands and regions are attn.attention's)
//===----------------------------------------------------------------------===//

func.func @score_map_rank_4(%s: tensor<1x8x64x64xf32>, %i: index) -> tensor<1x8x64x64xf32> {
  // expected-error@+1 {{'attn.score_map' op scores must be [B, Hkv, G, Tq, Tk], found 'tensor<1x8x64x64xf32>'}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {scale = 0.125 : f32} : tensor<1x8x64x64xf32>
  return %0 : tensor<1x8x64x64xf32>
}

// -----

func.func @score_map_rank_6(%s: tensor<1x2x4x8x16x16xf32>, %i: index) -> tensor<1x2x4x8x16x16xf32> {
  // expected-error@+1 {{scores must be [B, Hkv, G, Tq, Tk], found 'tensor<1x2x4x8x16x16xf32>'}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {scale = 0.125 : f32} : tensor<1x2x4x8x16x16xf32>
  return %0 : tensor<1x2x4x8x16x16xf32>
}

// -----

func.func @score_map_scores_not_f32(%s: tensor<1x2x4x16x16xbf16>, %i: index) -> tensor<1x2x4x16x16xbf16> {
  // expected-error@+1 {{operand #0 must be ranked tensor of 32-bit float values}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {scale = 0.125 : f32} : tensor<1x2x4x16x16xbf16>
  return %0 : tensor<1x2x4x16x16xbf16>
}

// -----

func.func @score_map_result_type_differs(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x?xf32> {
  // The custom syntax takes one type; the generic form can give two.
  // expected-error@+1 {{failed to verify that all of {scores, result} have same type}}
  %0 = "attn.score_map"(%s, %i, %i, %i, %i) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0>, scale = 0.125 : f32}> ({}, {})
      : (tensor<1x2x4x16x16xf32>, index, index, index, index) -> tensor<1x2x4x16x?xf32>
  return %0 : tensor<1x2x4x16x?xf32>
}

// -----

func.func @score_map_without_scale(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // Unlike attn.attention, the map has no default scale.
  // expected-error@+1 {{requires attribute 'scale'}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_scale_zero(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{'attn.score_map' op scale must be finite and > 0, found 0}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {scale = 0.0 : f32} : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_scale_negative(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{scale must be finite and > 0, found -1.250000e-01}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {scale = -0.125 : f32} : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_scale_nan(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{scale must be finite and > 0, found nan}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {scale = 0x7FC00000 : f32} : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_scale_infinite(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{scale must be finite and > 0, found INF}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {scale = 0x7F800000 : f32} : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_document_without_segments(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{'attn.score_map' op mask kind 'document' needs the segments(%q_ids, %kv_ids) operands}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {mask = #attn.mask<causal & document>, scale = 0.125 : f32} : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_segments_without_document(%s: tensor<1x2x4x16x16xf32>, %i: index, %qs: tensor<1x16xi32>, %ks: tensor<1x16xi32>) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{segments operands given but the mask has no 'document' kind}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] segments(%qs, %ks : tensor<1x16xi32>, tensor<1x16xi32>) {mask = #attn.mask<causal>, scale = 0.125 : f32} : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_only_query_segments(%s: tensor<1x2x4x16x16xf32>, %i: index, %qs: tensor<1x16xi32>) -> tensor<1x2x4x16x16xf32> {
  // The custom syntax always takes both; the generic form can give one.
  // expected-error@+1 {{segments needs both query and key operands}}
  %0 = "attn.score_map"(%s, %i, %i, %i, %i, %qs) <{mask = #attn.mask<document>, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0>, scale = 0.125 : f32}> ({}, {})
      : (tensor<1x2x4x16x16xf32>, index, index, index, index, tensor<1x16xi32>) -> tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_document_ids_and_offsets(%s: tensor<1x2x4x16x16xf32>, %i: index, %qs: tensor<1x16xi32>, %ks: tensor<1x16xi32>) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{mask uses document ids and document offsets; the segments operands can hold only one}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] segments(%qs, %ks : tensor<1x16xi32>, tensor<1x16xi32>) {mask = #attn.mask<document | document(offsets)>, scale = 0.125 : f32} : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_runtime_blocks_without_block_mask(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{mask kind 'blocks(.., runtime)' needs the block_mask(%m) operand}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {mask = #attn.mask<blocks(8, 8, runtime)>, scale = 0.125 : f32} : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_block_mask_without_runtime_blocks(%s: tensor<1x2x4x16x16xf32>, %i: index, %m: tensor<1x8x2x2xi8>) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{block_mask operand given but the mask has no runtime 'blocks' kind}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] block_mask(%m : tensor<1x8x2x2xi8>) {mask = #attn.mask<causal>, scale = 0.125 : f32} : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_runtime_blocks_with_two_sizes(%s: tensor<1x2x4x16x16xf32>, %i: index, %m: tensor<1x8x2x2xi8>) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{runtime 'blocks' kinds read one block_mask operand and must share one block size}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] block_mask(%m : tensor<1x8x2x2xi8>) {mask = #attn.mask<blocks(8, 8, runtime) | blocks(4, 4, runtime)>, scale = 0.125 : f32} : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_mask_mod_kind_without_region(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{'attn.score_map' op mask kind 'mask_mod' needs a mask_mod region}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {mask = #attn.mask<causal & mask_mod>, scale = 0.125 : f32} : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_mask_mod_region_without_kind(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{mask_mod region given but the mask does not use 'mask_mod'}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {mask = #attn.mask<causal>, scale = 0.125 : f32} : tensor<1x2x4x16x16xf32>
      mask_mod {
  ^bb0(%b: index, %h: index, %q: index, %k: index):
    %c = arith.cmpi ule, %k, %q : index
    attn.yield %c : i1
  }
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_mask_mod_region_arguments(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{mask_mod region must take (b, h, q, k : index)}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {mask = #attn.mask<mask_mod>, scale = 0.125 : f32} : tensor<1x2x4x16x16xf32>
      mask_mod {
  ^bb0(%q: index, %k: index):
    %c = arith.cmpi ule, %k, %q : index
    attn.yield %c : i1
  }
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_mask_mod_yields_index(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {mask = #attn.mask<mask_mod>, scale = 0.125 : f32} : tensor<1x2x4x16x16xf32>
      mask_mod {
  ^bb0(%b: index, %h: index, %q: index, %k: index):
    // expected-error@+1 {{'attn.yield' op in mask_mod must yield one 'i1'}}
    attn.yield %q : index
  }
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_bias_term_without_operand(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{'attn.score_map' op score modifier 'bias' needs the bias(%b) operand}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {scale = 0.125 : f32, score = #attn.score<alibi, bias>} : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_bias_operand_without_term(%s: tensor<1x2x4x16x16xf32>, %i: index, %b: tensor<1x8x16x16xf32>) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{bias operand given but the score modifiers have no 'bias'}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] bias(%b : tensor<1x8x16x16xf32>) {scale = 0.125 : f32} : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_score_mod_term_without_region(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{'attn.score_map' op score modifier 'score_mod' needs a score_mod region}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {scale = 0.125 : f32, score = #attn.score<score_mod>} : tensor<1x2x4x16x16xf32>
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_score_mod_region_without_term(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{score_mod region given but the score modifiers do not use 'score_mod'}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {scale = 0.125 : f32, score = #attn.score<alibi>} : tensor<1x2x4x16x16xf32>
      score_mod {
  ^bb0(%x: f32, %b: index, %h: index, %q: index, %k: index):
    attn.yield %x : f32
  }
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_score_mod_region_arguments(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{score_mod region must take (s : f32, b, h, q, k : index)}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {scale = 0.125 : f32, score = #attn.score<score_mod>} : tensor<1x2x4x16x16xf32>
      score_mod {
  ^bb0(%x: f32):
    attn.yield %x : f32
  }
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_score_mod_region_terminator(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  // expected-error@+1 {{score_mod region must end with attn.yield}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {scale = 0.125 : f32, score = #attn.score<score_mod>} : tensor<1x2x4x16x16xf32>
      score_mod {
  ^bb0(%x: f32, %b: index, %h: index, %q: index, %k: index):
    "test.terminator"(%x) : (f32) -> ()
  }
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_score_mod_yields_f16(%s: tensor<1x2x4x16x16xf32>, %i: index) -> tensor<1x2x4x16x16xf32> {
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {scale = 0.125 : f32, score = #attn.score<score_mod>} : tensor<1x2x4x16x16xf32>
      score_mod {
  ^bb0(%x: f32, %b: index, %h: index, %q: index, %k: index):
    %t = arith.truncf %x : f32 to f16
    // expected-error@+1 {{'attn.yield' op in score_mod must yield one 'f32'}}
    attn.yield %t : f16
  }
  return %0 : tensor<1x2x4x16x16xf32>
}

// -----

func.func @score_map_origin_without_head(%s: tensor<1x1x4x16x16xf32>, %i: index) -> tensor<1x1x4x16x16xf32> {
  // The custom syntax always takes both; the generic form can give one.
  // expected-error@+1 {{origin needs both a batch and a head offset}}
  %0 = "attn.score_map"(%s, %i, %i, %i, %i, %i) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0>, scale = 0.125 : f32}> ({}, {})
      : (tensor<1x1x4x16x16xf32>, index, index, index, index, index) -> tensor<1x1x4x16x16xf32>
  return %0 : tensor<1x1x4x16x16xf32>
}

// -----

func.func @score_map_heads_not_a_multiple_of_the_group(%s: tensor<1x1x4x16x16xf32>, %i: index) -> tensor<1x1x4x16x16xf32> {
  // expected-error@+1 {{q_heads = 6 is not a multiple of the tile's G = 4}}
  %0 = attn.score_map %s at [%i, %i] origin [%i, %i] lengths [%i, %i] {q_heads = 6 : i64, scale = 0.125 : f32} : tensor<1x1x4x16x16xf32>
  return %0 : tensor<1x1x4x16x16xf32>
}

// -----

func.func @score_map_heads_not_positive(%s: tensor<1x1x4x16x16xf32>, %i: index) -> tensor<1x1x4x16x16xf32> {
  // expected-error@+1 {{attribute 'q_heads' failed to satisfy constraint}}
  %0 = attn.score_map %s at [%i, %i] lengths [%i, %i] {q_heads = 0 : i64, scale = 0.125 : f32} : tensor<1x1x4x16x16xf32>
  return %0 : tensor<1x1x4x16x16xf32>
}
