// Cross attention over documents (Sq != Sk) where one block of 64 query
// rows spans documents 0 and 300 and the keys hold 301 runs of 13: more
// runs than the sorted-ids kernel records a block (kIdRunSlots), so that
// block takes the per-pair test. scripts/gpu-prepare.sh writes its ids
// (document_many_runs) and the GPU check compares it with the fp64
// reference.
func.func @document_many_runs(%q: tensor<1x8x256x64xbf16>,
                              %k: tensor<1x8x4096x64xbf16>,
                              %v: tensor<1x8x4096x64xbf16>,
                              %q_ids: tensor<1x256xi32>,
                              %kv_ids: tensor<1x4096xi32>)
    -> tensor<1x8x256x64xbf16> {
  %o = attn.attention %q, %k, %v
      segments(%q_ids, %kv_ids : tensor<1x256xi32>, tensor<1x4096xi32>)
      {mask = #attn.mask<document>}
      : tensor<1x8x256x64xbf16>, tensor<1x8x4096x64xbf16>,
        tensor<1x8x4096x64xbf16> -> tensor<1x8x256x64xbf16>
  return %o : tensor<1x8x256x64xbf16>
}
