"""File-system images built in the tests from files, without mounting anything (we cannot mount here).

FAT with mkfs.vfat + mtools, NTFS with mkntfs + ntfscp, exFAT with mkfs.exfat + a small writer of our own
(no userspace tool adds files to exFAT), ISO 9660 with xorriso, HFS+ entirely by our own writer (hfsprogs is
not in the Debian mirror; hfsutils makes classic HFS, which TSK does not read). Deletions are done the way
the operating system does them, so The Sleuth Kit sees what it would see on a seized card or disk:

* FAT: ``mdel`` (first byte of the short name becomes 0xE5, the clusters are freed).
* NTFS: as Windows does, the MFT record's in-use flag is cleared, its sequence number incremented, its bit
  in the ``$MFT`` bitmap cleared and the name removed from the parent's index (later entries shift down).
  The data clusters are left allocated in ``$Bitmap``; the scanner does not look at cluster allocation.
* exFAT: the in-use bit of each entry of the file's directory set is cleared and its clusters freed in the
  allocation bitmap.
"""

from __future__ import annotations

import struct
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from triage_fixtures import require_tool


def fat_image(out: Path, files: dict[str, bytes], *, bits: int, delete: tuple[str, ...] = ()) -> Path:
    """FAT12/16/32 with the given files (``/DIR/name``); directories are created as needed."""
    # One sector per cluster keeps FAT32 (which needs 65,525 clusters) at 36 MiB and FAT16 at 8 MiB.
    kib = {16: 8192, 32: 36864}[bits]
    subprocess.run(
        [
            require_tool("mkfs.vfat", "dosfstools"),
            "-C",
            "-F",
            str(bits),
            "-s",
            "1",
            "-n",
            "CARD",
            str(out),
            str(kib),
        ],
        check=True,
        capture_output=True,
    )
    mmd, mcopy, mdel = (require_tool(t, "mtools") for t in ("mmd", "mcopy", "mdel"))
    made: set[str] = set()
    staging = out.with_suffix(".staging")
    for path, data in files.items():
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            folder = "/".join(parts[:i])
            if folder not in made:
                subprocess.run([mmd, "-i", str(out), f"::/{folder}"], check=True, capture_output=True)
                made.add(folder)
        staging.write_bytes(data)
        subprocess.run([mcopy, "-i", str(out), str(staging), f"::{path}"], check=True, capture_output=True)
    staging.unlink(missing_ok=True)
    for path in delete:
        subprocess.run([mdel, "-i", str(out), f"::{path}"], check=True, capture_output=True)
    return out


def ntfs_image(
    out: Path,
    files: dict[str, bytes],
    *,
    delete: tuple[str, ...] = (),
    streams: dict[str, bytes] | None = None,
) -> Path:
    """NTFS with files in the root folder (ntfscp cannot create folders).

    ``streams`` maps ``/file:stream`` (``/:stream`` for the root folder) to the content of an alternate
    data stream (named ``$DATA``), written by ``ntfscp -N``, as ``type a.jpg > notes.txt:a.jpg`` does on
    Windows.
    """
    out.write_bytes(b"")
    with open(out, "r+b") as fh:
        fh.truncate(8 << 20)
    subprocess.run(
        [require_tool("mkntfs", "ntfs-3g"), "-F", "-Q", "-q", "-L", "DISK", str(out)],
        check=True,
        capture_output=True,
    )
    ntfscp = require_tool("ntfscp", "ntfs-3g")
    staging = out.with_suffix(".staging")
    for path, data in files.items():
        assert path.count("/") == 1, "ntfscp writes into the root folder only"
        staging.write_bytes(data)
        subprocess.run(
            [ntfscp, "-q", str(out), str(staging), path.lstrip("/")], check=True, capture_output=True
        )
    for spec, data in (streams or {}).items():
        path, stream = spec.rsplit(":", 1)
        assert path in files or path == "/", "ntfscp -N adds a stream to an existing file or the root"
        staging.write_bytes(data)
        # The root folder is MFT record 5; ntfscp finds it by number.
        target = ["-i", str(out), str(staging), "5"] if path == "/" else [str(out), str(staging), path[1:]]
        subprocess.run([ntfscp, "-q", "-N", stream, *target], check=True, capture_output=True)
    staging.unlink(missing_ok=True)
    if delete:
        image = bytearray(out.read_bytes())
        for path in delete:
            _ntfs_delete(image, path.lstrip("/"))
        out.write_bytes(bytes(image))
    return out


def _ntfs_attribute(image: bytearray, record: int, kind: int) -> int:
    p = record + struct.unpack_from("<H", image, record + 0x14)[0]
    while True:
        found, length = struct.unpack_from("<II", image, p)
        if found == kind:
            return p
        assert found != 0xFFFFFFFF, f"attribute {kind:#x} not in the record"
        p += length


def _first_run_cluster(image: bytearray, attribute: int) -> int:
    p = attribute + struct.unpack_from("<H", image, attribute + 0x20)[0]
    length_bytes, offset_bytes = image[p] & 0xF, image[p] >> 4
    start = p + 1 + length_bytes
    return int.from_bytes(image[start : start + offset_bytes], "little", signed=True)


def _fixups(image: bytearray, record: int, *, apply: bool) -> None:
    """Undo (apply=False) or redo (apply=True) the update sequence of a multi-sector NTFS record."""
    usa, count = struct.unpack_from("<HH", image, record + 4)
    usn = bytes(image[record + usa : record + usa + 2])
    for i in range(1, count):
        tail = record + i * 512 - 2
        saved = record + usa + 2 * i
        if apply:
            image[saved : saved + 2] = image[tail : tail + 2]
            image[tail : tail + 2] = usn
        else:
            assert image[tail : tail + 2] == usn, "torn NTFS record"
            image[tail : tail + 2] = image[saved : saved + 2]


def _ntfs_delete(image: bytearray, name: str) -> None:
    cluster = struct.unpack_from("<H", image, 0x0B)[0] * image[0x0D]
    mft = struct.unpack_from("<Q", image, 0x30)[0] * cluster
    needle = name.encode("utf-16-le")
    record = next(
        o
        for o in range(mft + 24 * 1024, len(image), 1024)
        if image[o : o + 4] == b"FILE" and needle in image[o : o + 1024]
    )
    number = (record - mft) // 1024
    image[record + 0x16] &= ~0x01  # not in use
    struct.pack_into("<H", image, record + 0x10, struct.unpack_from("<H", image, record + 0x10)[0] + 1)
    bitmap = _ntfs_attribute(image, mft, 0xB0)  # $MFT's own $BITMAP
    assert image[bitmap + 8] == 1, "non-resident $MFT bitmap expected"
    bits = _first_run_cluster(image, bitmap) * cluster
    image[bits + number // 8] &= ~(1 << (number % 8))
    for index in range(0, len(image), cluster):
        if image[index : index + 4] != b"INDX" or needle not in image[index : index + cluster]:
            continue
        _fixups(image, index, apply=False)
        node = index + 0x18
        first, used = struct.unpack_from("<II", image, node)
        p = node + first
        while not struct.unpack_from("<I", image, p + 12)[0] & 0x2:  # until the last-entry flag
            length = struct.unpack_from("<H", image, p + 8)[0]
            key = p + 16
            if bytes(image[key + 0x42 : key + 0x42 + 2 * image[key + 0x40]]) == needle:
                end = node + used
                image[p : end - length] = image[p + length : end]
                struct.pack_into("<I", image, node + 4, used - length)
                break
            p += length
        _fixups(image, index, apply=True)
        return
    raise LookupError(f"{name} is in no index record")


# exFAT ---------------------------------------------------------------------------------------------------

_EXFAT_FILE, _EXFAT_STREAM, _EXFAT_NAME = 0x85, 0xC0, 0xC1


def _exfat_checksum(data: bytes, skip: tuple[int, ...] = ()) -> int:
    value = 0
    for i, byte in enumerate(data):
        if i in skip:
            continue
        value = (((value << 15) | (value >> 1)) & 0xFFFF) + byte
        value &= 0xFFFF
    return value


def _dos_time(moment: datetime) -> int:
    return (
        (moment.year - 1980) << 25
        | moment.month << 21
        | moment.day << 16
        | moment.hour << 11
        | moment.minute << 5
        | moment.second // 2
    )


class _Exfat:
    def __init__(self, image: bytearray) -> None:
        self.image = image
        sector = 1 << image[0x6C]
        self.cluster = sector << image[0x6D]
        self.heap = struct.unpack_from("<I", image, 0x58)[0] * sector
        self.count = struct.unpack_from("<I", image, 0x5C)[0]
        self.root = self.at(struct.unpack_from("<I", image, 0x60)[0])
        entry = next(
            self.root + i for i in range(0, self.cluster, 32) if image[self.root + i] == 0x81
        )  # allocation bitmap entry
        self.bitmap = self.at(struct.unpack_from("<I", image, entry + 20)[0])

    def at(self, cluster: int) -> int:
        return self.heap + (cluster - 2) * self.cluster

    def allocated(self, cluster: int) -> bool:
        return bool(self.image[self.bitmap + (cluster - 2) // 8] >> ((cluster - 2) % 8) & 1)

    def mark(self, cluster: int, used: bool) -> None:
        byte, bit = self.bitmap + (cluster - 2) // 8, 1 << ((cluster - 2) % 8)
        self.image[byte] = self.image[byte] | bit if used else self.image[byte] & ~bit

    def add(self, name: str, data: bytes, moment: datetime) -> None:
        assert len(name) <= 15 and name.isascii(), "one name entry, ASCII (the up-case table is then trivial)"
        need = max(1, -(-len(data) // self.cluster))
        first = next(
            c for c in range(2, self.count + 2 - need) if not any(self.allocated(c + k) for k in range(need))
        )
        for k in range(need):
            self.mark(first + k, True)
        start = self.at(first)
        self.image[start : start + len(data)] = data
        utf16 = name.encode("utf-16-le")
        stamp = _dos_time(moment)
        file_entry = struct.pack("<BBHHHIII", _EXFAT_FILE, 2, 0, 0x20, 0, stamp, stamp, stamp).ljust(
            32, b"\0"
        )
        stream = struct.pack(
            "<BBBBHHQIIQ",
            _EXFAT_STREAM,
            0x03,  # allocation possible, no FAT chain (contiguous clusters)
            0,
            len(name),
            _exfat_checksum(name.upper().encode("utf-16-le")),
            0,
            len(data),
            0,
            first,
            len(data),
        )
        name_entry = struct.pack("<BB", _EXFAT_NAME, 0) + utf16.ljust(30, b"\0")
        entries = bytearray(file_entry + stream + name_entry)
        struct.pack_into("<H", entries, 2, _exfat_checksum(bytes(entries), skip=(2, 3)))
        slot = next(self.root + i for i in range(0, self.cluster, 32) if self.image[self.root + i] == 0)
        self.image[slot : slot + len(entries)] = entries

    def delete(self, name: str) -> None:
        utf16 = name.encode("utf-16-le")
        for i in range(0, self.cluster, 32):
            p = self.root + i
            if self.image[p] == _EXFAT_FILE and self.image[p + 66 : p + 66 + len(utf16)] == utf16:
                first, length = struct.unpack_from("<IQ", self.image, p + 32 + 20)
                for k in range(max(1, -(-length // self.cluster))):
                    self.mark(first + k, False)
                for entry in range(3):
                    self.image[p + 32 * entry] &= 0x7F  # clear the in-use bit
                return
        raise LookupError(name)


def exfat_image(out: Path, files: dict[str, bytes], *, delete: tuple[str, ...] = ()) -> Path:
    """exFAT made by mkfs.exfat, with files written into the root folder by ``_Exfat``."""
    out.write_bytes(b"")
    with open(out, "r+b") as fh:
        fh.truncate(8 << 20)
    subprocess.run(
        [require_tool("mkfs.exfat", "exfatprogs"), "-L", "CARD", str(out)], check=True, capture_output=True
    )
    if files:
        image = bytearray(out.read_bytes())
        fs = _Exfat(image)
        for path, data in files.items():
            assert path.count("/") == 1, "root folder only"
            fs.add(path.lstrip("/"), data, datetime(2024, 5, 17, 14, 30, 12))
        for path in delete:
            fs.delete(path.lstrip("/"))
        out.write_bytes(bytes(image))
    return out


def iso_image(out: Path, files: dict[str, bytes], *extensions: str) -> Path:
    """ISO 9660 made by xorriso (``-J`` Joliet, ``-R`` Rock Ridge)."""
    root = out.with_suffix(".src")
    for path, data in files.items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    subprocess.run(
        [
            require_tool("xorriso", "xorriso"),
            "-as",
            "mkisofs",
            "-quiet",
            *extensions,
            "-V",
            "CARD",
            "-o",
            str(out),
            str(root),
        ],
        check=True,
        capture_output=True,
    )
    return out


# HFS+ ----------------------------------------------------------------------------------------------------
# A minimal volume written to Apple TN1150 (no tool here makes HFS+: hfsprogs is not in the Debian mirror).
# Block size 4096; block 0 holds the boot blocks and the volume header at 1024, then the allocation file,
# the extents-overflow B-tree (header node only: every fork fits in its eight catalog extents), the
# attributes B-tree (header node only), the catalog B-tree (header node, leaf nodes, one index node when
# there is more than one leaf), the data forks in contiguous extents, and the alternate volume header
# 1024 bytes from the end.

_HFS_BLOCK = 4096
_HFS_NODE = 4096  # TN1150: catalog nodes are at least 4 KiB; one node per block keeps the layout simple
_HFS_EPOCH = datetime(1904, 1, 1, tzinfo=UTC)
_HFS_ROOT_PARENT, _HFS_ROOT = 1, 2  # catalog node IDs; 3-15 are Apple's special files
_HFS_FIRST_USER_ID = 16
_HFS_FOLDER, _HFS_FILE, _HFS_FOLDER_THREAD, _HFS_FILE_THREAD = 1, 2, 3, 4
_HFS_LEAF, _HFS_INDEX, _HFS_HEADER = -1, 0, 1
_HFS_THREAD_EXISTS = 0x0002
_HFS_BIG_KEYS, _HFS_VARIABLE_INDEX_KEYS = 0x2, 0x4
_HFS_CASE_FOLDING, _HFS_BINARY_COMPARE = 0xCF, 0xBC


def _hfs_time(moment: datetime) -> int:
    return int((moment - _HFS_EPOCH).total_seconds())


def _hfs_fork(logical: int, start: int, blocks: int) -> bytes:
    extents = struct.pack(">II", start, blocks) if blocks else b""
    return struct.pack(">QII", logical, _HFS_BLOCK, blocks) + extents.ljust(64, b"\0")


def _hfs_name(name: str) -> bytes:
    utf16 = name.encode("utf-16-be")
    return struct.pack(">H", len(utf16) // 2) + utf16


def _hfs_key(parent: int, name: str) -> bytes:
    body = struct.pack(">I", parent) + _hfs_name(name)
    return struct.pack(">H", len(body)) + body


def _hfs_node(kind: int, height: int, records: list[bytes], flink: int = 0) -> bytes:
    """A B-tree node: descriptor, records from offset 14, their offsets (and the free space's) at the end."""
    node = bytearray(_HFS_NODE)
    struct.pack_into(">IIbBHH", node, 0, flink, 0, kind, height, len(records), 0)
    offset = 14
    offsets = []
    for record in records:
        node[offset : offset + len(record)] = record
        offsets.append(offset)
        offset += len(record)
    offsets.append(offset)
    assert offset + 2 * len(offsets) <= _HFS_NODE, "records overflow the node"
    for i, value in enumerate(offsets):
        struct.pack_into(">H", node, _HFS_NODE - 2 * (i + 1), value)
    return bytes(node)


def _hfs_header_node(
    *,
    depth: int,
    root: int,
    leaf_records: int,
    first_leaf: int,
    last_leaf: int,
    nodes: int,
    used: int,
    max_key: int,
    compare: int = 0,
) -> bytes:
    attributes = _HFS_BIG_KEYS | (_HFS_VARIABLE_INDEX_KEYS if max_key > 10 else 0)  # the extents tree: fixed
    header = struct.pack(
        ">HIIIIHHIIHIBBI64x",
        depth,
        root,
        leaf_records,
        first_leaf,
        last_leaf,
        _HFS_NODE,
        max_key,
        nodes,
        nodes - used,
        0,
        _HFS_NODE,
        0,  # btreeType: HFS B-tree
        compare,
        attributes,
    )
    map_size = _HFS_NODE - 14 - 106 - 128 - 4 * 2
    node_map = bytearray(map_size)
    for n in range(used):
        node_map[n // 8] |= 0x80 >> (n % 8)
    return _hfs_node(_HFS_HEADER, 0, [header, bytes(128), bytes(node_map)])


def _hfs_common(record_type: int, flags: int, count_or_zero: int, cnid: int, stamp: int, mode: int) -> bytes:
    dates = struct.pack(">IIIII", stamp, stamp, stamp, stamp, 0)  # create, content, attribute, access, backup
    bsd = struct.pack(">IIBBHI", 501, 20, 0, 0, mode, 0)  # owner, group, admin/owner flags, mode, special
    return struct.pack(">hHII", record_type, flags, count_or_zero, cnid) + dates + bsd + bytes(32) + bytes(8)


def hfsplus_image(
    out: Path,
    files: dict[str, bytes],
    *,
    volume: str = "CARD",
    moment: datetime = datetime(2024, 5, 17, 14, 30, 12, tzinfo=UTC),
    case_sensitive: bool = False,
    size: int = 4 << 20,
    resource_forks: dict[str, bytes] | None = None,
) -> Path:
    """HFS+ (signature ``H+``, version 4, case-insensitive) holding ``files`` (``/DIR/name``; folders are
    created as needed); with ``case_sensitive``, HFSX (``HX``, version 5, binary key order).
    ``resource_forks`` gives files of ``files`` a resource fork (contiguous, after the data forks)."""
    resource_forks = resource_forks or {}
    assert set(resource_forks) <= set(files), "a resource fork belongs to a file of the volume"
    total = size // _HFS_BLOCK
    assert total <= 8 * _HFS_BLOCK, "one allocation-file block maps 32,768 blocks"
    # HFS+ stores names in Unicode decomposed form and folds case with Apple's table; ASCII needs neither.
    assert all(path.isascii() for path in files), "ASCII names only"
    stamp = _hfs_time(moment)
    # Folders and files get catalog node IDs in path order; parents before children.
    ids: dict[str, int] = {"": _HFS_ROOT}
    folders: list[str] = []
    for path in sorted(files):
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            folder = "/".join(parts[:i])
            if folder not in ids:
                ids[folder] = _HFS_FIRST_USER_ID + len(ids) - 1
                folders.append(folder)
    for path in sorted(files):
        ids[path.strip("/")] = _HFS_FIRST_USER_ID + len(ids) - 1

    def parent_of(item: str) -> tuple[int, str]:
        head, _, name = item.rpartition("/")
        return ids[head], name

    # Fixed layout: volume header block, allocation file, extents tree, attributes tree, catalog.
    alloc_start, extents_start, attributes_start, catalog_start = 1, 2, 3, 4
    catalog_nodes = 8
    next_block = catalog_start + catalog_nodes
    image = bytearray(size)
    forks: dict[str, bytes] = {}
    for path, data in files.items():
        blocks = -(-len(data) // _HFS_BLOCK)
        assert next_block + blocks < total, "volume too small for the files"
        image[next_block * _HFS_BLOCK : next_block * _HFS_BLOCK + len(data)] = data
        forks[path.strip("/")] = _hfs_fork(len(data), next_block if blocks else 0, blocks)
        next_block += blocks
    rsrc: dict[str, bytes] = {}
    for path, data in resource_forks.items():
        blocks = -(-len(data) // _HFS_BLOCK)
        assert next_block + blocks < total, "volume too small for the resource forks"
        image[next_block * _HFS_BLOCK : next_block * _HFS_BLOCK + len(data)] = data
        rsrc[path.strip("/")] = _hfs_fork(len(data), next_block if blocks else 0, blocks)
        next_block += blocks

    children: dict[int, int] = {}
    for item in [*folders, *forks]:
        parent, _ = parent_of(item)
        children[parent] = children.get(parent, 0) + 1
    # Leaf records: (sort key, bytes). Threads have an empty name, so they sort first among their CNID's keys.
    records: list[tuple[tuple[int, list[int]], bytes]] = []

    def order(parent: int, name: str) -> tuple[int, list[int]]:
        units = list(struct.unpack(f">{len(name)}H", name.encode("utf-16-be")))
        if not case_sensitive:  # FastUnicodeCompare folds case (ASCII names here: A-Z to a-z)
            units = [u + 32 if 0x41 <= u <= 0x5A else u for u in units]
        return parent, units

    def add(parent: int, name: str, body: bytes) -> None:
        records.append((order(parent, name), _hfs_key(parent, name) + body))

    def folder_record(cnid: int) -> bytes:
        return _hfs_common(_HFS_FOLDER, 0, children.get(cnid, 0), cnid, stamp, 0o040755)

    add(_HFS_ROOT_PARENT, volume, folder_record(_HFS_ROOT))
    add(_HFS_ROOT, "", struct.pack(">hhI", _HFS_FOLDER_THREAD, 0, _HFS_ROOT_PARENT) + _hfs_name(volume))
    for folder in folders:
        parent, name = parent_of(folder)
        add(parent, name, folder_record(ids[folder]))
        add(ids[folder], "", struct.pack(">hhI", _HFS_FOLDER_THREAD, 0, parent) + _hfs_name(name))
    for item, fork in forks.items():
        parent, name = parent_of(item)
        common = _hfs_common(_HFS_FILE, _HFS_THREAD_EXISTS, 0, ids[item], stamp, 0o100644)
        add(parent, name, common + fork + rsrc.get(item, _hfs_fork(0, 0, 0)))
        add(ids[item], "", struct.pack(">hhI", _HFS_FILE_THREAD, 0, parent) + _hfs_name(name))
    records.sort(key=lambda r: r[0])

    # Pack leaves (node 1 onwards), then one index node over them when there is more than one leaf.
    leaves: list[list[tuple[tuple[int, list[int]], bytes]]] = [[]]
    room = _HFS_NODE - 14 - 2
    for record in records:
        used = sum(len(r) + 2 for _, r in leaves[-1])
        if used + len(record[1]) + 2 > room:
            leaves.append([])
        leaves[-1].append(record)
    nodes: list[bytes] = []
    for i, leaf in enumerate(leaves):
        flink = i + 2 if i + 1 < len(leaves) else 0
        node = bytearray(_hfs_node(_HFS_LEAF, 1, [r for _, r in leaf], flink))
        struct.pack_into(">I", node, 4, i)  # bLink: the previous leaf (leaf i is node i + 1)
        nodes.append(bytes(node))
    if len(leaves) > 1:
        pointers = []
        for i, leaf in enumerate(leaves):
            key_length = struct.unpack_from(">H", leaf[0][1])[0]
            pointers.append(leaf[0][1][: 2 + key_length] + struct.pack(">I", i + 1))
        nodes.append(_hfs_node(_HFS_INDEX, 2, pointers))
    assert len(nodes) + 1 <= catalog_nodes, "too many files for the fixed catalog size"
    catalog = _hfs_header_node(
        depth=2 if len(leaves) > 1 else 1,
        root=len(nodes) if len(leaves) > 1 else 1,
        leaf_records=len(records),
        first_leaf=1,
        last_leaf=len(leaves),
        nodes=catalog_nodes,
        used=len(nodes) + 1,
        max_key=516,
        compare=_HFS_BINARY_COMPARE if case_sensitive else _HFS_CASE_FOLDING,
    )
    for n, block in enumerate([catalog, *nodes]):
        image[(catalog_start + n) * _HFS_BLOCK : (catalog_start + n + 1) * _HFS_BLOCK] = block
    empty = {"depth": 0, "root": 0, "leaf_records": 0, "first_leaf": 0, "last_leaf": 0, "nodes": 1, "used": 1}
    image[extents_start * _HFS_BLOCK : (extents_start + 1) * _HFS_BLOCK] = _hfs_header_node(
        **empty, max_key=10
    )
    image[attributes_start * _HFS_BLOCK : (attributes_start + 1) * _HFS_BLOCK] = _hfs_header_node(
        **empty, max_key=266
    )

    # Allocation bitmap: everything up to the last data block, and the last block (alternate volume header).
    bitmap = alloc_start * _HFS_BLOCK
    for block in [*range(next_block), total - 1]:
        image[bitmap + block // 8] |= 0x80 >> (block % 8)
    used_blocks = next_block + 1

    header = bytearray(512)
    struct.pack_into(
        ">2sHIIIIIIIIIIIIIIIIIQ",
        header,
        0,
        b"HX" if case_sensitive else b"H+",
        5 if case_sensitive else 4,
        0x100,  # kHFSVolumeUnmountedBit: cleanly unmounted
        int.from_bytes(b"10.0", "big"),
        0,  # no journal
        stamp,
        stamp,
        0,
        stamp,
        len(forks),
        len(folders),
        _HFS_BLOCK,
        total,
        total - used_blocks,
        next_block,
        _HFS_BLOCK,
        _HFS_BLOCK,
        _HFS_FIRST_USER_ID + len(ids) - 1,  # nextCatalogID
        1,
        1,  # encodingsBitmap: MacRoman
    )
    header[112:192] = _hfs_fork(_HFS_BLOCK, alloc_start, 1)
    header[192:272] = _hfs_fork(_HFS_NODE, extents_start, 1)
    header[272:352] = _hfs_fork(catalog_nodes * _HFS_NODE, catalog_start, catalog_nodes)
    header[352:432] = _hfs_fork(_HFS_NODE, attributes_start, 1)
    image[1024:1536] = header
    image[size - 1024 : size - 512] = header
    out.write_bytes(bytes(image))
    return out
