"""Hash-set formats: detected by content, every line validated with its number, atomic."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from custos.core.policy import Policy
from custos.triage.scanner.hashsets import (
    ERR_UNKNOWN_FORMAT,
    HashSetError,
    detect_format,
    import_hashset_file,
)
from custos.triage.scanner.matcher import Matcher

ABC_MD5 = "900150983cd24fb0d6963f7d28e17f72"
ABC_SHA1 = "a9993e364706816aba3e25717850c26c9cd0d89d"
ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"
EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
V2_MEDIA = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media"
V2_CASES = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases"
V13_MEDIA = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media"


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(content.encode() if isinstance(content, str) else content)
    return p


def _media(md5: str, category: object = None, **extra: object) -> dict[str, object]:
    item: dict[str, object] = {"MediaID": 1, "MD5": md5, "SHA1": ABC_SHA1.upper(), **extra}
    if category is not None:
        item["Category"] = category
    return item


def test_vics_v2_media_parses_with_upper_case_hashes_and_ignores_unknown_fields(
    tmp_path: Path, policy: Policy
) -> None:
    doc = {
        "@odata.context": V2_MEDIA,
        "value": [
            _media(ABC_MD5.upper(), 1, PhotoDNA="A" * 192, Series="x", IsDistributed="true"),
            {"MediaID": 2, "PhotoDNA": "B" * 192, "Category": 1},  # PhotoDNA only: nothing to match on
        ],
    }
    hs = import_hashset_file(_write(tmp_path, "set.bin", json.dumps(doc)), name="vic", policy=policy)
    assert (hs.format, hs.version, hs.ignored) == ("vics", "2.0", 1)
    [entry] = hs.entries
    assert (entry.md5, entry.sha1, entry.category, entry.raw_category) == (ABC_MD5, ABC_SHA1, "A", "1")


def test_vics_category_zero_is_non_indecent_and_missing_category_is_uncategorised(
    tmp_path: Path, policy: Policy
) -> None:
    doc = {"@odata.context": V2_MEDIA, "value": [_media(ABC_MD5, 0), _media("0" * 32)]}
    hs = import_hashset_file(_write(tmp_path, "v.json", json.dumps(doc)), name="vic", policy=policy)
    assert [e.category for e in hs.entries] == ["non-indecent", "uncategorised"]


def test_vics_uk_cases_export_parses(tmp_path: Path, policy: Policy) -> None:
    doc = {
        "@odata.context": V2_CASES,
        "value": [{"CaseID": "c1", "CaseNumber": "OP-1", "Media": [_media(ABC_MD5, 2), _media("1" * 32, 3)]}],
    }
    hs = import_hashset_file(_write(tmp_path, "cases.json", json.dumps(doc)), name="lab", policy=policy)
    assert [e.category for e in hs.entries] == ["B", "C"]


def test_vics_v13_odata_metadata_is_accepted(tmp_path: Path, policy: Policy) -> None:
    doc = {"odata.metadata": V13_MEDIA, "value": [_media(ABC_MD5, "1")]}
    hs = import_hashset_file(_write(tmp_path, "v13.json", json.dumps(doc)), name="v13", policy=policy)
    assert (hs.version, hs.entries[0].category) == ("1.3", "A")


def test_vics_category_mapping_comes_from_policy(tmp_path: Path, policy: Policy) -> None:
    custom = policy.with_overrides({"triage.vics_category_map": {"0": "non-indecent", "1": "C"}})
    doc = {"@odata.context": V2_MEDIA, "value": [_media(ABC_MD5, 1)]}
    hs = import_hashset_file(_write(tmp_path, "v.json", json.dumps(doc)), name="v", policy=custom)
    assert hs.entries[0].category == "C"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"@odata.context": V2_MEDIA, "value": [_media("xyz", 1)]}, "record 1 (value[0]): MD5 'xyz'"),
        ({"@odata.context": V2_MEDIA, "value": [_media(ABC_MD5, 9)]}, "record 1 (value[0]): category code 9"),
        (
            {"@odata.context": V2_MEDIA.replace("#Media", "#Products"), "value": []},
            "unsupported VICS entity set",
        ),
    ],
)
def test_malformed_vics_records_are_refused_with_their_position(
    tmp_path: Path, policy: Policy, doc: dict[str, object], message: str
) -> None:
    with pytest.raises(HashSetError, match=re.escape(message)):
        import_hashset_file(_write(tmp_path, "v.json", json.dumps(doc)), name="v", policy=policy)


def test_broken_vics_json_reports_the_line(tmp_path: Path, policy: Policy) -> None:
    text = f'{{\n "@odata.context": "{V2_MEDIA}",\n "value": [\n  {{"MD5": "abc",}}\n ]\n}}'
    with pytest.raises(HashSetError, match="line 4 column"):
        import_hashset_file(_write(tmp_path, "v.json", text), name="v", policy=policy)


def test_csv_with_header_parses_categories_and_pdq(tmp_path: Path, policy: Policy) -> None:
    text = f"MD5,SHA1,pdq,Category,source\n{ABC_MD5.upper()},,,B,force\n,,{'f' * 64},1,caid\n"
    hs = import_hashset_file(_write(tmp_path, "local.txt", text), name="local", policy=policy)
    assert hs.format == "csv"
    assert [(e.md5, e.pdq, e.category, e.source) for e in hs.entries] == [
        (ABC_MD5, None, "B", "force"),
        (None, "f" * 64, "A", "caid"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (f"md5,category\n{ABC_MD5},A\nnothex,A\n", "line 3: MD5 'nothex'"),
        (f"md5,category\n{ABC_MD5},A\n{ABC_MD5},Z\n", "line 3: unknown category 'Z'"),
        (f"md5,category\n{ABC_MD5},A,extra\n", "line 2: expected 2 fields"),
        (f"# comment\nsha256,category\n{ABC_SHA256[:-1]},A\n", "line 3: SHA256"),
    ],
)
def test_malformed_csv_lines_are_refused_with_the_line_number(
    tmp_path: Path, policy: Policy, content: str, message: str
) -> None:
    with pytest.raises(HashSetError, match=message):
        import_hashset_file(_write(tmp_path, "set.csv", content), name="s", policy=policy)


def test_pdq_list_hex_category_source(tmp_path: Path, policy: Policy) -> None:
    text = f"{'A' * 64},A,caid\n{'0123' * 16},,\n"
    hs = import_hashset_file(_write(tmp_path, "pdq.txt", text), name="p", policy=policy)
    assert hs.format == "pdq-list"
    assert [(e.pdq, e.category, e.source) for e in hs.entries] == [
        ("a" * 64, "A", "caid"),
        ("0123" * 16, "uncategorised", None),
    ]
    with pytest.raises(HashSetError, match="line 2: PDQ"):
        import_hashset_file(
            _write(tmp_path, "bad.txt", f"{'a' * 64},A,x\n{'g' * 64},A,x\n"), name="p", policy=policy
        )


def _nsrl_txt(rows: list[str]) -> str:
    header = '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"\n'
    return header + "".join(r + "\n" for r in rows)


def test_legacy_nsrlfile_txt_is_known_good_and_upper_case_matches_lower(
    tmp_path: Path, policy: Policy
) -> None:
    text = _nsrl_txt([f'"{ABC_SHA1.upper()}","{ABC_MD5.upper()}","352441C2","abc.txt",3,1,"358",""'])
    hs = import_hashset_file(
        _write(tmp_path, "NSRLFile.txt", text), name="nsrl", policy=policy, role="known-bad"
    )
    assert (hs.format, hs.role) == ("nsrl-file", "known-good")
    records = [{"size": 3, "md5": ABC_MD5, "sha1": ABC_SHA1, "sha256": ABC_SHA256}]
    Matcher([hs], policy).apply(records)
    assert records[0]["known_good"] is True
    assert records[0]["matches"] == []


def test_malformed_nsrlfile_line_is_refused_with_its_number(tmp_path: Path, policy: Policy) -> None:
    text = _nsrl_txt([f'"{ABC_SHA1}","{ABC_MD5}","0","a",3,1,"1",""', '"NOTASHA1","00","0","b",3,1,"1",""'])
    with pytest.raises(HashSetError, match="line 3: SHA1 'NOTASHA1'"):
        import_hashset_file(_write(tmp_path, "NSRLFile.txt", text), name="n", policy=policy)


def _rds(path: Path, relation: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE METADATA (object_id INTEGER, file_name TEXT, bytes INTEGER, "
        "md5 TEXT, sha1 TEXT, sha256 TEXT)"
    )
    conn.execute(
        "INSERT INTO METADATA VALUES (1, 'abc.txt', 3, ?, ?, ?)",
        (ABC_MD5.upper(), ABC_SHA1.upper(), ABC_SHA256.upper()),
    )
    conn.execute(
        "INSERT INTO METADATA VALUES (2, 'empty', 0, ?, ?, ?)", (EMPTY_MD5.upper(), EMPTY_SHA1.upper(), "")
    )
    if relation == "FILE":
        conn.execute(
            "CREATE VIEW FILE AS SELECT sha256, sha1, md5, file_name, bytes AS file_size, 0 AS package_id "
            "FROM METADATA"
        )
    else:
        conn.execute("CREATE VIEW DISTINCT_HASH AS SELECT DISTINCT sha256, sha1, md5 FROM METADATA")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("relation", ["FILE", "DISTINCT_HASH"])
def test_nsrl_rdsv3_sqlite_is_queried_in_place_case_insensitively(
    tmp_path: Path, policy: Policy, relation: str
) -> None:
    db = tmp_path / "RDS_2025.03.1_modern_minimal.db"
    _rds(db, relation)
    hs = import_hashset_file(db, name="rds", policy=policy)
    assert (hs.format, hs.role, hs.entries, hs.count) == ("nsrl-rds-sqlite", "known-good", (), 2)
    records = [
        {"size": 3, "md5": ABC_MD5, "sha1": ABC_SHA1, "sha256": ABC_SHA256},
        {"size": 0, "md5": EMPTY_MD5, "sha1": EMPTY_SHA1, "sha256": None},
        {"size": 5, "md5": "1" * 32, "sha1": "2" * 40, "sha256": "3" * 64},
    ]
    Matcher([hs], policy).apply(records)
    assert [r["known_good"] for r in records] == [True, False, False]
    assert sum(1 for _ in hs.iter_entries()) == 2


def test_hashdeep_known_file_list_parses_and_validates(tmp_path: Path, policy: Policy) -> None:
    head = "%%%% HASHDEEP-1.0\n%%%% size,md5,sha256,filename\n## Invoked from: /x\n## \n"
    good = head + f"3,{ABC_MD5},{ABC_SHA256},/x/a,b.txt\n"
    hs = import_hashset_file(_write(tmp_path, "known.hd", good), name="hd", policy=policy)
    assert (hs.format, hs.entries[0].label, hs.entries[0].category) == (
        "hashdeep",
        "/x/a,b.txt",
        "uncategorised",
    )
    with pytest.raises(HashSetError, match="line 6: size 'three'"):
        import_hashset_file(
            _write(tmp_path, "bad.hd", good + f"three,{ABC_MD5},{ABC_SHA256},/x/c\n"),
            name="hd",
            policy=policy,
        )


def test_entries_for_the_empty_file_are_dropped_so_empty_files_never_match(
    tmp_path: Path, policy: Policy
) -> None:
    hs = import_hashset_file(
        _write(tmp_path, "s.csv", f"md5,category\n{EMPTY_MD5},A\n{ABC_MD5},A\n"), name="s", policy=policy
    )
    assert (len(hs.entries), hs.ignored) == (1, 1)
    records = [{"size": 0, "md5": EMPTY_MD5, "sha1": EMPTY_SHA1, "sha256": None}]
    Matcher([hs], policy).apply(records)
    assert records[0]["matches"] == []


def test_format_is_detected_by_content_not_by_name(tmp_path: Path, policy: Policy) -> None:
    assert detect_format(str(_write(tmp_path, "set.json", f"md5,category\n{ABC_MD5},A\n"))) == "csv"
    assert detect_format(str(_write(tmp_path, "list.csv", f"{ABC_MD5}  abc.txt\n"))) == "hash-list"
    with pytest.raises(HashSetError, match="unrecognised hash-set format"):
        import_hashset_file(_write(tmp_path, "junk.txt", "hello world\n"), name="j", policy=policy)
    assert "unrecognised" in ERR_UNKNOWN_FORMAT
