"""Matching scanned files against hash sets.

* Exact: MD5, SHA-1 and SHA-256 in hash maps (lower-case hex). Known-good (NSRL) sets only mark files.
* Perceptual: PDQ Hamming distance <= ``triage.pdq_match_distance``, taking the minimum over the 8 dihedral
  variants of the file's hash. FAISS binary range search is strict (``distance < radius``), so the radius is
  threshold + 1. Small banks or few queries use a flat (brute-force) index; large banks queried many times
  use multi-index hashing with 12 sub-hashes of 21 bits and ``nflip = threshold // 12``: by pigeonhole, two
  hashes within 31 bits agree to within 2 bits on at least one sub-hash, so recall stays 100 %.
* vPDQ: unordered bag matching as in pytx ``vpdq_util``: frames below the quality threshold are dropped and
  hashes de-duplicated; q% is the share of the query video's unique frames within the distance of some frame
  of the compared video, c% the converse; match if q% >= query percent and c% >= index percent.
* Empty files never match anything (every empty file has the same hashes).

numpy and FAISS are imported only when a set holds PDQ or vPDQ hashes: an exact-hash-only scan does not pay
their start-up (about 0.25 s, a twelfth of a 2 GB scan) or their thread pools.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from custos.core.policy import Policy

from .hashsets import KNOWN_BAD, KNOWN_GOOD, SEVERITY, ParsedHashSet

if TYPE_CHECKING:
    import numpy as np

# Multi-index hashing pays off only for big banks queried many times: building it costs far more than one
# flat pass (measured 40-80 s for 1 M hashes on a loaded 2-core box), so it is chosen per search.
MIH_MIN_BANK = 100_000
MIH_MIN_QUERIES = 20_000
# 12 sub-hashes of 21 bits (252 of the 256 bits): a 31-bit difference leaves some sub-hash within
# 31 // 12 = 2 bits, so nflip = 2 finds every match; measured 2.3x faster per query than 16 x 16 bits.
_NHASH, _BITS = 12, 21


def pack(hexes: list[str]) -> np.ndarray:
    """64-digit PDQ hex strings to an (n, 32) uint8 array for FAISS."""
    import numpy as np

    if not hexes:
        return np.zeros((0, 32), dtype=np.uint8)
    return np.frombuffer(b"".join(bytes.fromhex(h) for h in hexes), dtype=np.uint8).reshape(-1, 32)


class PdqIndex:
    """Range search for PDQ hashes within ``threshold`` bits, exact recall.

    Flat (brute force) unless the bank has ``mih_min_bank`` hashes and a search brings ``mih_min_queries``
    query hashes, then multi-index hashing (built once, kept for later searches).
    """

    def __init__(
        self,
        codes: np.ndarray,
        threshold: int,
        *,
        mih_min_bank: int = MIH_MIN_BANK,
        mih_min_queries: int = MIH_MIN_QUERIES,
    ) -> None:
        import numpy as np

        self.threshold = threshold
        self.size = len(codes)
        self._codes = np.ascontiguousarray(codes, dtype=np.uint8)
        self._mih_min_bank = mih_min_bank
        self._mih_min_queries = mih_min_queries
        self._flat: Any = None
        self._mih: Any = None
        self.kind = "flat"

    def prepare(self, n_queries: int) -> str:
        """Build the index a search of ``n_queries`` hashes will use (benchmarks time this apart)."""
        self._index(n_queries)
        return self.kind

    def _index(self, n_queries: int) -> Any:
        import faiss

        if self._mih is not None:
            return self._mih
        if self.size >= self._mih_min_bank and n_queries >= self._mih_min_queries:
            index = faiss.IndexBinaryMultiHash(256, _NHASH, _BITS)
            index.nflip = self.threshold // _NHASH
            index.add(self._codes)
            self._mih, self._flat, self.kind = index, None, "multi-hash"
            return index
        if self._flat is None:
            self._flat = faiss.IndexBinaryFlat(256)
            self._flat.add(self._codes)
        return self._flat

    def search(self, queries: np.ndarray) -> list[list[tuple[int, int]]]:
        """For each query row, (bank row, distance) pairs with distance <= threshold."""
        import numpy as np

        out: list[list[tuple[int, int]]] = [[] for _ in range(len(queries))]
        if not self.size or not len(queries):
            return out
        index = self._index(len(queries))
        # FAISS keeps results with distance strictly below the radius.
        lims, dist, ids = index.range_search(
            np.ascontiguousarray(queries, dtype=np.uint8), self.threshold + 1
        )
        for q in range(len(queries)):
            lo, hi = int(lims[q]), int(lims[q + 1])
            out[q] = [(int(i), int(d)) for i, d in zip(ids[lo:hi], dist[lo:hi], strict=True)]
        return out


@dataclass(frozen=True)
class _Ref:
    set_name: str
    category: str
    line: int
    label: str | None


class Matcher:
    def __init__(
        self,
        sets: list[ParsedHashSet],
        policy: Policy,
        *,
        mih_min_bank: int = MIH_MIN_BANK,
        mih_min_queries: int = MIH_MIN_QUERIES,
    ) -> None:
        self.threshold = int(policy.get("triage.pdq_match_distance"))
        self.vpdq_quality = int(policy.get("triage.vpdq_quality_threshold"))
        self.vpdq_distance = int(policy.get("triage.vpdq_distance"))
        self.vpdq_query_pct = float(policy.get("triage.vpdq_query_match_percent"))
        self.vpdq_index_pct = float(policy.get("triage.vpdq_index_match_percent"))
        self._exact: dict[str, dict[str, list[_Ref]]] = {"md5": {}, "sha1": {}, "sha256": {}}
        self._good: dict[str, set[str]] = {"md5": set(), "sha1": set(), "sha256": set()}
        self._rds = [s.rds for s in sets if s.rds is not None]
        pdq_hexes: list[str] = []
        self._pdq_refs: list[_Ref] = []
        videos: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._video_refs: dict[tuple[str, str], _Ref] = {}
        for hs in sets:
            for e in hs.entries:
                if hs.role == KNOWN_GOOD:
                    for kind, digest in e.hashes().items():
                        self._good[kind].add(digest)
                    continue
                ref = _Ref(hs.name, e.category, e.line, e.label)
                for kind, digest in e.hashes().items():
                    self._exact[kind].setdefault(digest, []).append(ref)
                if e.pdq and e.video_id:
                    if e.quality is None or e.quality >= self.vpdq_quality:
                        videos[(hs.name, e.video_id)].append(e.pdq)
                        self._video_refs.setdefault((hs.name, e.video_id), ref)
                elif e.pdq:
                    pdq_hexes.append(e.pdq)
                    self._pdq_refs.append(ref)
        self.pdq_index = (
            PdqIndex(
                pack(pdq_hexes), self.threshold, mih_min_bank=mih_min_bank, mih_min_queries=mih_min_queries
            )
            if pdq_hexes
            else None
        )
        self._videos = {k: sorted(set(v)) for k, v in videos.items()}
        frame_hexes: list[str] = []
        self._frame_owner: list[tuple[str, str]] = []
        for key, frames in self._videos.items():
            frame_hexes.extend(frames)
            self._frame_owner.extend([key] * len(frames))
        self.frame_index = (
            PdqIndex(
                pack(frame_hexes),
                self.vpdq_distance,
                mih_min_bank=mih_min_bank,
                mih_min_queries=mih_min_queries,
            )
            if frame_hexes
            else None
        )

    @property
    def has_known_bad(self) -> bool:
        return bool(any(self._exact.values()) or self.pdq_index is not None or self._videos)

    def apply(self, records: list[dict[str, Any]]) -> None:
        """Set ``matches`` and ``known_good`` on every record (in place)."""
        good_rds = self._rds_hits(records)
        perceptual = self._perceptual(records)
        for i, rec in enumerate(records):
            rec["matches"] = []
            rec["known_good"] = False
            if not rec.get("size") or not rec.get("md5"):
                continue  # empty or unreadable files never match
            hashes = {k: rec[k] for k in ("md5", "sha1", "sha256") if rec.get(k)}
            rec["known_good"] = any(v in self._good[k] or v in good_rds[k] for k, v in hashes.items())
            exact: dict[tuple[str, str], dict[str, Any]] = {}
            for kind, digest in hashes.items():
                for ref in self._exact[kind].get(digest, ()):
                    exact.setdefault(
                        (ref.set_name, ref.category),
                        {
                            "set": ref.set_name,
                            "category": ref.category,
                            "kind": "exact",
                            "distance": 0,
                            "signal": kind,
                            "line": ref.line,
                            "label": ref.label,
                        },
                    )
            matched_sets = {s for s, _ in exact}
            found = list(exact.values())
            # A file already matched exactly in a set needs no perceptual match from the same set.
            found.extend(m for m in perceptual.get(i, []) if m["set"] not in matched_sets)
            found.sort(key=lambda m: (SEVERITY.get(m["category"], 9), m["kind"] != "exact", m["distance"]))
            rec["matches"] = found

    def _rds_hits(self, records: list[dict[str, Any]]) -> dict[str, set[str]]:
        hits: dict[str, set[str]] = {"md5": set(), "sha1": set(), "sha256": set()}
        for db in self._rds:
            for kind in hits:
                hits[kind] |= db.lookup(kind, (r[kind] for r in records if r.get(kind) and r.get("size")))
        return hits

    def _perceptual(self, records: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
        out: dict[int, list[dict[str, Any]]] = defaultdict(list)
        if self.pdq_index is not None:
            owners: list[int] = []
            queries: list[str] = []
            for i, rec in enumerate(records):
                if rec.get("pdq") and rec.get("pdq_matchable") and rec.get("size"):
                    variants = rec.get("pdq_dihedral") or [rec["pdq"]]
                    queries.extend(variants)
                    owners.extend([i] * len(variants))
            best: dict[tuple[int, str, str], tuple[int, _Ref]] = {}
            for q, hits in enumerate(self.pdq_index.search(pack(queries))):
                for bank_row, distance in hits:
                    ref = self._pdq_refs[bank_row]
                    key = (owners[q], ref.set_name, ref.category)
                    if key not in best or distance < best[key][0]:
                        best[key] = (distance, ref)
            for (i, set_name, category), (distance, ref) in best.items():
                out[i].append(
                    {
                        "set": set_name,
                        "category": category,
                        "kind": "perceptual",
                        "distance": distance,
                        "signal": "pdq",
                        "line": ref.line,
                        "label": ref.label,
                    }
                )
        if self._videos:
            for i, rec in enumerate(records):
                if rec.get("vpdq") and rec.get("size"):
                    out[i].extend(self._match_video(rec["vpdq"]))
        return out

    def _match_video(self, frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
        query = sorted({f["pdq"] for f in frames if int(f["quality"]) >= self.vpdq_quality})
        if not query or self.frame_index is None:
            return []
        candidates: set[tuple[str, str]] = set()
        for hits in self.frame_index.search(pack(query)):
            candidates.update(self._frame_owner[row] for row, _ in hits)
        found = []
        for key in sorted(candidates):
            bank = self._videos[key]
            dist = _pairwise(pack(query), pack(bank))
            close = dist <= self.vpdq_distance
            q_pct = 100.0 * close.any(axis=1).sum() / len(query)
            c_pct = 100.0 * close.any(axis=0).sum() / len(bank)
            if q_pct >= self.vpdq_query_pct and c_pct >= self.vpdq_index_pct:
                ref = self._video_refs[key]
                found.append(
                    {
                        "set": ref.set_name,
                        "category": ref.category,
                        "kind": "perceptual",
                        "distance": int(dist.min()),
                        "signal": "vpdq",
                        "line": ref.line,
                        "label": key[1],
                        "query_match_percent": round(q_pct, 1),
                        "compared_match_percent": round(c_pct, 1),
                    }
                )
        return found


def _pairwise(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamming distances between every row of ``a`` and of ``b`` (small video bags only)."""
    import numpy as np

    x = np.bitwise_xor(a[:, None, :], b[None, :, :])
    return np.bitwise_count(x).sum(axis=2)


__all__ = ["KNOWN_BAD", "Matcher", "PdqIndex", "pack"]
