"""PDQ matching: a bank of 1,000,000 hashes, 10,000 query images x 8 dihedral variants at distance <= 31.

    .venv/bin/python benchmarks/triage_match.py [--bank 1000000] [--queries 10000]

Our matcher (``PdqIndex``: FAISS multi-index hashing, 12 x 21-bit sub-hashes, nflip = 31 // 12) against a
FAISS flat (brute-force) binary index in the same run, both with range_search(radius = threshold + 1).
Recall is checked pair by pair against the flat index, which is exhaustive, and the flat index itself
against a numpy brute force on a sample. Half of the query images have a variant planted within 0-40 bits
of a bank hash.
"""

from __future__ import annotations

import argparse
import os
import time

import faiss
import numpy as np

from custos.triage.scanner.matcher import PdqIndex

THRESHOLD = 31


def planted_queries(bank: np.ndarray, n_images: int, rng: np.random.Generator) -> np.ndarray:
    queries = rng.integers(0, 256, (n_images * 8, 32), dtype=np.uint8)
    for img in range(0, n_images, 2):
        target = bank[rng.integers(0, len(bank))].copy()
        bits = np.unpackbits(target)
        flips = rng.choice(256, size=int(rng.integers(0, 41)), replace=False)
        bits[flips] ^= 1
        queries[img * 8 + int(rng.integers(0, 8))] = np.packbits(bits)
    return queries


def pairs(lims: np.ndarray, ids: np.ndarray) -> set[tuple[int, int]]:
    out = set()
    for q in range(len(lims) - 1):
        out.update((q, int(i)) for i in ids[lims[q] : lims[q + 1]])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bank", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=10_000, help="query images (each 8 dihedral hashes)")
    ap.add_argument("--brute-sample", type=int, default=400, help="query hashes re-checked with numpy")
    args = ap.parse_args()
    rng = np.random.default_rng(31)
    bank = rng.integers(0, 256, (args.bank, 32), dtype=np.uint8)
    queries = planted_queries(bank, args.queries, rng)
    print(
        f"bank {args.bank:,}, {args.queries:,} images x 8 = {len(queries):,} query hashes, "
        f"faiss threads {faiss.omp_get_max_threads()}, load average {os.getloadavg()[0]:.1f}"
    )

    start = time.perf_counter()
    flat = faiss.IndexBinaryFlat(256)
    flat.add(bank)
    build_flat = time.perf_counter() - start
    start = time.perf_counter()
    lims, _dist, ids = flat.range_search(queries, THRESHOLD + 1)
    t_flat = time.perf_counter() - start
    truth = pairs(lims, ids)

    start = time.perf_counter()
    index = PdqIndex(bank, THRESHOLD)
    # Index choice as for the full workload (10,000 images x 8) even when --queries samples fewer.
    index.prepare(max(len(queries), 80_000))
    build_ours = time.perf_counter() - start
    start = time.perf_counter()
    hits = index.search(queries)
    t_ours = time.perf_counter() - start
    found = {(q, b) for q, row in enumerate(hits) for b, _ in row}

    sample = rng.choice(len(queries), size=min(args.brute_sample, len(queries)), replace=False)
    bank64 = bank.view(np.uint64)
    brute = set()
    for q in sample:
        d = np.bitwise_count(bank64 ^ queries[q].view(np.uint64)).sum(axis=1)
        brute.update((int(q), int(b)) for b in np.nonzero(d <= THRESHOLD)[0])
    flat_sample = {p for p in truth if p[0] in set(int(s) for s in sample)}

    print(
        f"FAISS flat baseline: build {build_flat:.1f} s, {len(queries) / t_flat:,.0f} query hashes/s "
        f"({len(queries) / 8 / t_flat:,.0f} images/s), {t_flat:.1f} s"
    )
    print(
        f"custos PdqIndex ({index.kind}): build {build_ours:.1f} s, "
        f"{len(queries) / t_ours:,.0f} query hashes/s "
        f"({len(queries) / 8 / t_ours:,.0f} images/s), {t_ours:.1f} s -> {t_flat / t_ours:.2f}x flat; "
        f"including build {t_flat / (t_ours + build_ours):.2f}x"
    )
    recall = len(found & truth) / len(truth) if truth else 1.0
    print(
        f"matches: {len(truth):,} true pairs; recall vs flat {recall:.4%}; false pairs {len(found - truth)}"
    )
    verdict = "identical" if brute == flat_sample else "DIFFERENT"
    print(f"flat vs numpy brute force on {len(sample)} query hashes: {verdict} ({len(brute)} pairs)")
    print(f"load average after runs: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
