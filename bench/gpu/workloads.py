"""The workload grid of the GPU benchmark, and the arithmetic on it.

Standard library only (no torch, no numpy), so that everything here can be
checked on a machine without a GPU: the grid, the masks as plain predicates,
the exact count of visible (q, k) pairs that the FLOP count rests on, the
segment ids of the document workloads, and the query rows the fp64 reference
is computed on.

Every workload is [B, H, S, D] bf16 with K and V of Hkv heads, head dim D for
Q, K and V alike, scale 1/sqrt(D). Masks (queries and keys aligned top-left,
positions counted from 0):

  none      every key is visible
  causal    k <= q
  window    k <= q and q - k < W          (each query sees W keys, itself
                                           included: FlexAttention's
                                           `q - k < W`; attn's
                                           `causal & window(W - 1)`)
  document  k <= q and ids[b, k] == ids[b, q] and ids[b, q] >= 0

Document workloads hand our kernel the documents in one of two forms: the
segment ids themselves ([B, S], doc_format "ids": attn's `document`), or
the cumulative document starts ([B, N + 1], doc_format "offsets": attn's
`document(offsets)`, FlashAttention's cu_seqlens). Both describe the same
mask; the peers always get the ids (FlexAttention's mask_mod reads them).

FLOPs are 4 * B * Hq * (visible pairs of one head) * D: two matrix products
(Q K^T and P V), 2 FLOPs per multiply-add, counted only where the mask lets a
key through; the masks here do not depend on the head.
"""

import functools
import random
import re
from dataclasses import dataclass

# FlashAttention-3 paper grid: 16k tokens per batch, heads x dim = 2048.
FA3_TOKENS = 16384
FA3_MODEL_DIM = 2048
FA3_HEAD_DIMS = (64, 128, 256)
FA3_SEQ_LENS = (512, 1024, 2048, 4096, 8192, 16384)

# Below this query length the reference is computed on every row; at and
# above it on ROW_SAMPLE rows (the first and the last among them).
FULL_REFERENCE_BELOW = 2048
ROW_SAMPLE = 256

MASKS = ("none", "causal", "window", "document")
DOC_FORMATS = ("ids", "offsets")


@dataclass(frozen=True)
class Workload:
    """One benchmark case. `name` is stable: results are keyed on it."""

    name: str
    group: str  # fa3 | gqa | window | document | decode
    batch: int
    q_heads: int
    kv_heads: int
    q_len: int
    kv_len: int
    head_dim: int
    mask: str = "none"
    window: int = 0  # mask == "window": q - k < window
    doc_min: int = 0  # mask == "document": document lengths drawn in
    doc_max: int = 0  # [doc_min, doc_max], the last one cut to fit
    seed: int = 0  # inputs and segment ids derive from it
    doc_format: str = "ids"  # mask == "document": what our kernel reads

    def __post_init__(self):
        if self.mask not in MASKS:
            raise ValueError("unknown mask %r" % self.mask)
        if self.q_heads % self.kv_heads:
            raise ValueError("q_heads must be a multiple of kv_heads")
        if self.mask == "window" and self.window < 1:
            raise ValueError("a window mask needs window >= 1")
        if self.mask == "document":
            if self.q_len != self.kv_len:
                raise ValueError("document masks need q_len == kv_len")
            if not 1 <= self.doc_min <= self.doc_max:
                raise ValueError("document masks need 1 <= doc_min <= doc_max")
        if self.doc_format not in DOC_FORMATS:
            raise ValueError("unknown document format %r" % self.doc_format)

    @property
    def gqa(self):
        return self.q_heads != self.kv_heads

    @property
    def package_name(self):
        """The kernel package that runs this workload: it depends only on the
        mask kind and the head dim (batch and lengths are run-time symbols of
        the package; its head counts are static, and fixed per name here)."""
        d = "d%d" % self.head_dim
        if self.group == "decode":
            return "decode-" + d
        if self.group == "gqa":
            return "gqa-%s%s" % (d, "-causal" if self.mask == "causal" else "")
        if self.mask == "window":
            return "window%d-%s" % (self.window, d)
        if self.mask == "document":
            if self.doc_format == "offsets":
                return "document-offsets-" + d
            return "document-" + d
        return "dense-%s%s" % (d, "-causal" if self.mask == "causal" else "")

    def shape_text(self):
        heads = (str(self.q_heads) if not self.gqa else
                 "%d/%d" % (self.q_heads, self.kv_heads))
        seq = (str(self.q_len) if self.q_len == self.kv_len else
               "%d/%d" % (self.q_len, self.kv_len))
        return "B%d H%s S%s D%d" % (self.batch, heads, seq, self.head_dim)

    def mask_text(self):
        if self.mask == "window":
            return "causal, window %d (q - k < %d)" % (self.window, self.window)
        if self.mask == "document":
            return "causal, documents of %d-%d%s" % (
                self.doc_min, self.doc_max,
                " (offsets)" if self.doc_format == "offsets" else "")
        return self.mask

    def segment_ids(self):
        """[B][S] document ids (lists of ints), or None for other masks."""
        if self.mask != "document":
            return None
        return segment_ids(self.batch, self.q_len, self.doc_min, self.doc_max,
                           self.seed)

    def document_starts(self):
        """[B][N + 1] cumulative document starts of segment_ids() (N: the
        most documents of a batch entry; shorter rows repeat S at the end),
        or None for other masks."""
        if self.mask != "document":
            return None
        return document_starts(self.segment_ids(), self.q_len)

    def doc_operand_shape(self):
        """The shape of each of the two document operands our kernel gets."""
        if self.doc_format == "offsets":
            return [self.batch, len(self.document_starts()[0])]
        return [self.batch, self.q_len]

    def visible_pairs(self):
        """Visible (q, k) pairs of one head, summed over the batch."""
        return visible_pairs(self)

    def flops(self):
        return 4 * self.q_heads * self.head_dim * self.visible_pairs()

    def min_bytes(self):
        """The fewest bytes a kernel moves through device memory: Q, K, V and
        the segment ids read once, O written once (bf16: 2 bytes)."""
        q = self.batch * self.q_heads * self.q_len * self.head_dim
        kv = self.batch * self.kv_heads * self.kv_len * self.head_dim
        n = 2 * (2 * q + 2 * kv)
        if self.mask == "document":
            n += 4 * 2 * self.batch * self.doc_operand_shape()[1]
        return n

    def input_bytes(self):
        """Bytes of one input set (Q, K, V and the ids)."""
        q = self.batch * self.q_heads * self.q_len * self.head_dim
        kv = self.batch * self.kv_heads * self.kv_len * self.head_dim
        n = 2 * (q + 2 * kv)
        if self.mask == "document":
            n += 4 * 2 * self.batch * self.doc_operand_shape()[1]
        return n

    def describe(self):
        return {
            "name": self.name, "group": self.group, "batch": self.batch,
            "q_heads": self.q_heads, "kv_heads": self.kv_heads,
            "q_len": self.q_len, "kv_len": self.kv_len,
            "head_dim": self.head_dim, "mask": self.mask,
            "window": self.window, "doc_min": self.doc_min,
            "doc_max": self.doc_max, "seed": self.seed,
            "doc_format": self.doc_format if self.mask == "document" else None,
            "package": self.package_name,
            "visible_pairs": self.visible_pairs(), "flops": self.flops(),
            "min_bytes": self.min_bytes(),
        }


# ---------------------------------------------------------------------------
# Masks as plain predicates, and the exact count of visible pairs
# ---------------------------------------------------------------------------


def visible(w, b, q, k, ids=None):
    """Whether query q sees key k in batch entry b (any head). `ids` is
    w.segment_ids() for document masks (passed in to avoid recomputing)."""
    if w.mask == "none":
        return True
    if k > q:
        return False
    if w.mask == "causal":
        return True
    if w.mask == "window":
        return q - k < w.window
    if ids is None:
        ids = w.segment_ids()
    return ids[b][q] == ids[b][k] and ids[b][q] >= 0


def causal_pairs(q_len, kv_len):
    """Pairs with k <= q, 0 <= q < q_len, 0 <= k < kv_len."""
    return sum(min(q + 1, kv_len) for q in range(q_len))


def window_pairs(q_len, kv_len, window):
    """Pairs with k <= q and q - k < window."""
    total = 0
    for q in range(q_len):
        hi = min(q, kv_len - 1)
        lo = max(0, q - window + 1)
        if hi >= lo:
            total += hi - lo + 1
    return total


def document_pairs(ids_row):
    """Pairs with k <= q in the same document (id >= 0) of one batch entry,
    for any layout of the ids (documents need not be contiguous)."""
    seen = {}
    total = 0
    for i in ids_row:
        if i < 0:
            continue
        seen[i] = seen.get(i, 0) + 1
        total += seen[i]  # keys k <= q with this id, q itself included
    return total


def visible_pairs(w):
    if w.mask == "none":
        per_batch = w.q_len * w.kv_len
    elif w.mask == "causal":
        per_batch = causal_pairs(w.q_len, w.kv_len)
    elif w.mask == "window":
        per_batch = window_pairs(w.q_len, w.kv_len, w.window)
    else:
        return sum(document_pairs(row) for row in w.segment_ids())
    return w.batch * per_batch


@functools.lru_cache(maxsize=16)
def _segment_ids(batch, seq_len, doc_min, doc_max, seed):
    rng = random.Random(seed)
    rows = []
    for _ in range(batch):
        row = []
        doc = 0
        while len(row) < seq_len:
            length = min(rng.randint(doc_min, doc_max), seq_len - len(row))
            row.extend([doc] * length)
            doc += 1
        rows.append(tuple(row))
    return tuple(rows)


def segment_ids(batch, seq_len, doc_min, doc_max, seed):
    """Packed documents: each batch entry is a run of documents whose lengths
    are drawn uniformly in [doc_min, doc_max] (the last one cut at seq_len),
    with ids 0, 1, 2, ... Deterministic in `seed`."""
    return [list(r) for r in _segment_ids(batch, seq_len, doc_min, doc_max,
                                          seed)]


def document_starts(ids, length):
    """The cumulative starts [B][N + 1] of packed documents given as ids
    [B][S] (each document one run of positions): the first position of each
    run, then `length`; rows with fewer runs than the most repeat `length`
    (empty documents). Padding ids (< 0) are not supported here."""
    rows = []
    for row in ids:
        if any(d < 0 for d in row):
            raise ValueError("document starts: padding ids are not supported")
        starts = [i for i in range(len(row)) if i == 0 or row[i] != row[i - 1]]
        if len(set(row)) != len(starts):
            raise ValueError("document starts: a document is not one run")
        rows.append(starts + [length])
    most = max(len(r) for r in rows)
    return [r + [length] * (most - len(r)) for r in rows]


def sample_rows(q_len, seed, count=ROW_SAMPLE,
                full_below=FULL_REFERENCE_BELOW):
    """Query rows the reference is computed on: all of them when
    q_len < full_below, else `count` distinct rows (the first and the last
    among them) drawn with `seed`, sorted."""
    if q_len < full_below or q_len <= count:
        return list(range(q_len))
    rng = random.Random(seed)
    inner = rng.sample(range(1, q_len - 1), count - 2)
    return sorted([0, q_len - 1] + inner)


# ---------------------------------------------------------------------------
# The grid
# ---------------------------------------------------------------------------


def _fa3_grid():
    out = []
    for d in FA3_HEAD_DIMS:
        for s in FA3_SEQ_LENS:
            for causal in (False, True):
                name = "dense-d%d-s%d%s" % (d, s, "-causal" if causal else "")
                out.append(Workload(
                    name=name, group="fa3", batch=FA3_TOKENS // s,
                    q_heads=FA3_MODEL_DIM // d, kv_heads=FA3_MODEL_DIM // d,
                    q_len=s, kv_len=s, head_dim=d,
                    mask="causal" if causal else "none", seed=1000 + len(out)))
    return out


def all_workloads():
    """Every workload, in the order the benchmark runs them."""
    grid = _fa3_grid()
    grid.append(Workload(  # Llama-style GQA, 16k tokens like the FA3 grid
        name="gqa32x8-d128-s4096-causal", group="gqa", batch=4, q_heads=32,
        kv_heads=8, q_len=4096, kv_len=4096, head_dim=128, mask="causal",
        seed=2000))
    grid.append(Workload(
        name="window1024-d128-s8192-causal", group="window", batch=2,
        q_heads=16, kv_heads=16, q_len=8192, kv_len=8192, head_dim=128,
        mask="window", window=1024, seed=2001))
    grid.append(Workload(
        name="document-d128-s8192-causal", group="document", batch=2,
        q_heads=16, kv_heads=16, q_len=8192, kv_len=8192, head_dim=128,
        mask="document", doc_min=256, doc_max=2048, seed=2002))
    grid.append(Workload(  # the same mask and inputs, as cu_seqlens
        name="document-offsets-d128-s8192-causal", group="document",
        batch=2, q_heads=16, kv_heads=16, q_len=8192, kv_len=8192,
        head_dim=128, mask="document", doc_min=256, doc_max=2048, seed=2002,
        doc_format="offsets"))
    grid.append(Workload(  # one new token against a 32k KV cache
        name="decode-gqa32x8-d128-skv32768", group="decode", batch=16,
        q_heads=32, kv_heads=8, q_len=1, kv_len=32768, head_dim=128,
        mask="none", seed=2003))
    return grid


def select(workloads, patterns):
    """The workloads whose name matches any regex in `patterns` (re.search);
    all of them when `patterns` is empty."""
    if not patterns:
        return list(workloads)
    regexes = [re.compile(p) for p in patterns]
    return [w for w in workloads if any(r.search(w.name) for r in regexes)]


def find(name):
    for w in all_workloads():
        if w.name == name:
            return w
    raise KeyError(name)
