"""The human HTML report. It NEVER shows a matched image: matched files appear as path, hashes and category.

Thumbnails are drawn only for images that matched nothing, and are blurred by CSS until the examiner ticks
"Show thumbnails" (a deliberate act; the default protects whoever opens the report).
"""

from __future__ import annotations

import base64
from html import escape
from typing import Any

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#0b0c0c}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #b1b4b6;padding:.3rem;
text-align:left;vertical-align:top;font-size:.85rem}th{background:#f3f2f1}
code{font-size:.75rem;word-break:break-all}.warn{background:#d4351c;color:#fff;padding:.6rem}
.ok{background:#00703c;color:#fff;padding:.6rem}.thumb{filter:blur(14px);width:96px;height:auto}
#reveal:checked~section .thumb{filter:none}.cat-A,.cat-B{font-weight:bold;color:#d4351c}
"""


def _row(cells: list[str]) -> str:
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _hashes(rec: dict[str, Any]) -> str:
    parts = [
        f"{k.upper()} <code>{escape(str(rec[k]))}</code>"
        for k in ("md5", "sha1", "sha256", "pdq")
        if rec.get(k)
    ]
    return "<br>".join(parts)


def render_html(report: dict[str, Any], thumbnails: dict[str, bytes]) -> str:
    """``thumbnails`` maps file paths to small JPEGs; the caller includes only non-matching images."""
    s = report["summary"]
    src = report["source"]
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='robots' content='noindex'><title>Triage report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Device triage report</h1>",
        "<p>OFFICIAL-SENSITIVE. Matched images are never displayed in this report.</p>",
        f"<div class='{'warn' if s['likely_iioc'] else 'ok'}'><strong>Likely IIOC: "
        f"{'YES' if s['likely_iioc'] else 'no'}</strong> &mdash; {escape(s['likely_iioc_reason'])}. "
        f"Recommended lab priority: <strong>{escape(s['lab_priority'])}</strong>.</div>",
        "<h2>Source</h2><table>",
        _row(["Path", escape(str(src.get("path")))]),
        _row(["Type", escape(str(src.get("kind")))]),
    ]
    ver = src.get("verification")
    if ver:
        state = "verified" if ver.get("verified") else "FAILED"
        out.append(
            _row(
                [
                    "Acquisition hash",
                    f"{state}: stored {escape(str(ver.get('stored_md5')))}, "
                    f"computed {escape(str(ver.get('computed_md5')))}",
                ]
            )
        )
    for k, v in (src.get("case_metadata") or {}).items():
        out.append(_row([escape(k.replace("_", " ")), escape(str(v))]))
    out.append(
        _row(
            [
                "Scanned",
                f"{report['scan']['files_total']} files, {s['matched_files']} matched, "
                f"{s['known_good_files']} known-good, {s['error_files']} with errors",
            ]
        )
    )
    out.append(_row(["Policy", escape(report["policy_version"])]))
    out.append(
        "</table><h2>Counts</h2><table><tr><th>Category</th><th>Files</th><th>Exact</th>"
        "<th>Perceptual</th></tr>"
    )
    for cat, n in s["by_category"].items():
        kinds = s["by_category_and_kind"].get(cat, {})
        out.append(_row([escape(cat), str(n), str(kinds.get("exact", 0)), str(kinds.get("perceptual", 0))]))
    out.append(
        "</table><h2>Matched files</h2><table><tr><th>Path</th><th>Size</th><th>Deleted</th>"
        "<th>Matches</th><th>Hashes</th></tr>"
    )
    for rec in report["files"]:
        if not rec.get("matches"):
            continue
        matches = "<br>".join(
            f"<span class='cat-{escape(m['category'])}'>{escape(m['category'])}</span> {escape(m['kind'])} "
            f"(distance {m['distance']}) in {escape(m['set'])}"
            for m in rec["matches"]
        )
        out.append(
            _row(
                [
                    escape(rec["path"]),
                    str(rec["size"]),
                    "yes" if rec.get("deleted") else "no",
                    matches,
                    _hashes(rec),
                ]
            )
        )
    out.append("</table>")
    out.append(
        "<input type='checkbox' id='reveal'><label for='reveal'> Show thumbnails of non-matching images"
        " (blurred by default)</label>"
    )
    out.append(
        "<section><h2>Other images (no match)</h2><table><tr><th>Thumbnail</th><th>Path</th>"
        "<th>PDQ quality</th><th>Hashes</th></tr>"
    )
    for rec in report["files"]:
        if rec.get("matches") or rec.get("kind") != "image":
            continue
        thumb = thumbnails.get(rec["path"])
        img = (
            f"<img class='thumb' alt='' src='data:image/jpeg;base64,{base64.b64encode(thumb).decode()}'>"
            if thumb
            else ""
        )
        note = escape(rec.get("pdq_unmatchable_reason") or "")
        out.append(_row([img, escape(rec["path"]), f"{rec.get('pdq_quality')} {note}", _hashes(rec)]))
    out.append("</table></section>")
    errors = [r for r in report["files"] if r.get("errors")]
    if errors or report["source"].get("errors"):
        out.append("<h2>Errors</h2><table><tr><th>Path</th><th>Error</th></tr>")
        for rec in errors:
            out.append(_row([escape(rec["path"]), escape("; ".join(rec["errors"]))]))
        for err in report["source"].get("errors") or []:
            out.append(_row([escape(err.get("path", "")), escape(err.get("error", ""))]))
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)
