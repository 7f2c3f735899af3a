"""Writes an LLM-sized attention dump for `tsx bench/upload.ts`: L layers × H heads × N tokens of one input as a
dense float16 Parquet file (one row per query, `pattern` a list of N weights), sorted by layer, head and query,
one row group per head, as docs/export-attention.md advises for files too large to hold; and its tokens as JSON.
Every head is a softmax of random scores, except L0H1, which looks at the previous token. The default, 32 × 32 ×
1,024, is about 2 GB. A tool for measuring (pyarrow and numpy), never a dependency of the site or of CI:

    python bench/attention_dump.py OUT_DIR [LAYERS HEADS TOKENS]
"""
import json
import os
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def main():
    out = sys.argv[1]
    layers, heads, n = (int(v) for v in sys.argv[2:5]) if len(sys.argv) > 2 else (32, 32, 1024)
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)
    schema = pa.schema([("layer", pa.int16()), ("head_index", pa.int16()), ("query_pos", pa.int16()), ("pattern", pa.list_(pa.float16(), n))])
    queries = np.arange(n, dtype=np.int16)
    with pq.ParquetWriter(os.path.join(out, "dump.parquet"), schema) as writer:
        for layer in range(layers):
            for head in range(heads):
                scores = rng.standard_normal((n, n), dtype=np.float32) * 2
                if (layer, head) == (0, 1):
                    scores[queries[1:], queries[:-1]] += 30
                weights = np.exp(scores - scores.max(axis=1, keepdims=True))
                weights /= weights.sum(axis=1, keepdims=True)
                writer.write_table(pa.table({
                    "layer": pa.array(np.full(n, layer, np.int16)),
                    "head_index": pa.array(np.full(n, head, np.int16)),
                    "query_pos": pa.array(queries),
                    "pattern": pa.FixedSizeListArray.from_arrays(pa.array(weights.astype(np.float16).ravel()), n),
                }, schema=schema), row_group_size=n)
    with open(os.path.join(out, "tokens.json"), "w") as f:
        json.dump([f"tok{i}" for i in range(n)], f)


if __name__ == "__main__":
    main()
