"""APFS volumes with files in them, written by the tests: ``mkapfs`` (apfsprogs) makes an empty container and
this module adds the files by rewriting the blocks it left, to Apple's "Apple File System Reference".

No tool here writes files into APFS (no kernel driver, no apfs-fuse), but the empty volume mkapfs makes is
small and fixed in shape: block 0 holds the container superblock (``nx_superblock_t``: block size, the
object map and space manager, the volume's virtual object id), a checkpoint holds the space manager, and the
volume superblock (``apfs_superblock_t``) names three trees, each a single root-and-leaf node at a physical
block:

- the file-system tree (virtual id, found through the volume's object map), whose records are keyed by
  ``j_key_t`` (object id in the low 60 bits, record type in the top 4) and sorted by object id, then type,
  then the type's own field. mkapfs leaves the directory entries ``root`` and ``private-dir`` under object 1
  and the inodes of the root folder (2) and the private folder (3);
- the extent-reference tree (physical), with one ``j_phys_ext`` record per run of blocks a file owns;
- the snapshot-metadata tree, untouched.

Every added folder or file gets the next object id: an inode record (``j_inode_val_t`` with a name extended
field, and for a file with content a ``j_dstream_t`` extended field giving its size), a directory entry in its
parent (``j_drec_hashed_key_t``: the name, NUL-terminated, with its length and a 22-bit hash: CRC-32C of the
name's UTF-32 code points after canonical decomposition, and case folding on a case-insensitive volume), and
for content a data-stream record (reference count 1) and ``j_file_extent`` records mapping byte offsets to
the blocks written. The leaf is rebuilt with its table of contents, keys packed from the front and values
from the back (the tree's flags say keys and values are not aligned), its free space zeroed and the B-tree
information at the end updated. Content goes to blocks the space manager's bitmap shows free; they are marked
used and the free counts of the chunk-info block and of the space manager go down. The volume superblock's
next object id, file and folder counts and allocated-block count follow. Each changed object gets its
Fletcher-64 checksum again, so ``apfsck`` from the same package finds the volume consistent.

Everything must fit in the one leaf (the tree grows no index node): about ten small files, else ValueError
(ERR_LEAF_FULL). Fragmented files are written one block per extent, later extents at lower addresses, so a
reader that follows only the first extent or assumes ascending blocks gets the content wrong.
"""

from __future__ import annotations

import struct
import subprocess
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from triage_fixtures import require_tool

APFS_STAMP = datetime(2024, 5, 17, 14, 30, 12, tzinfo=UTC)  # every date of every added file and folder
_STAMP_NS = int(APFS_STAMP.timestamp()) * 1_000_000_000  # APFS dates: nanoseconds since 1970, UTC
ERR_LEAF_FULL = "the records do not fit in the file-system tree's single leaf node"
ERR_NAME_CLASH = "two names in one folder are the same on this volume"

_CONTAINER_SIZE = 128 << 20  # mkapfs refuses smaller containers; the image is sparse
_NODE = struct.Struct("<HHI8H")  # btree_node_phys_t after the header: flags, level, nkeys, four nloc_t
_INFO = struct.Struct("<IIIIIIQQ")  # btree_info_t, at the end of a root node
_KVLOC = struct.Struct("<HHHH")
_CHUNK_INFO = struct.Struct("<QQIIQ")  # chunk_info_t: xid, first block, blocks, free, bitmap block
_BTNODE_ROOT, _BTNODE_LEAF, _BTNODE_FIXED_KV = 1, 2, 4
_TYPE_EXTENT, _TYPE_INODE, _TYPE_DSTREAM_ID, _TYPE_FILE_EXTENT, _TYPE_DIR_REC = 2, 3, 6, 8, 9
_ROOT_FOLDER = 2
_DT_DIR, _DT_REG = 4, 8
_S_IFDIR, _S_IFREG = 0o040000, 0o100000
_XF_NAME, _XF_DSTREAM = 4, 8
_XF_DO_NOT_COPY, _XF_SYSTEM_FIELD = 0x02, 0x20
_KIND_NEW = 1
_INCOMPAT_CASE_INSENSITIVE = 0x1

# Byte offsets of the fields used, from the reference's structure definitions.
_NX_BLOCK_SIZE, _NX_XP_DESC_BASE, _NX_XP_DESC_INDEX = 36, 112, 136
_NX_SPACEMAN_OID, _NX_OMAP_OID, _NX_FS_OID = 152, 160, 184
_OMAP_TREE_OID = 48
_APFS_INCOMPAT, _APFS_ALLOC_COUNT, _APFS_OMAP_OID, _APFS_ROOT_TREE_OID = 56, 88, 128, 136
_APFS_EXTENTREF_TREE_OID, _APFS_NEXT_OBJ_ID, _APFS_NUM_FILES, _APFS_NUM_DIRS = 144, 176, 184, 192
_SM_MAIN_CHUNKS, _SM_MAIN_FREE_COUNT, _SM_MAIN_ADDR_OFFSET = 56, 72, 80
_CIB_COUNT, _CIB_FIRST = 36, 40
_INODE_NCHILDREN = 56


def apfs_image(
    out: Path,
    files: dict[str, bytes],
    *,
    case_sensitive: bool = False,
    fragmented: Iterable[str] = (),
) -> Path:
    """An APFS container at ``out`` whose one volume (label CARD) holds ``files`` (absolute path -> content),
    folders made as the paths need them. ``case_sensitive`` makes the volume case-sensitive (names hashed
    without case folding); files in ``fragmented`` are stored one block per extent, in descending blocks."""
    out.write_bytes(b"")
    with open(out, "r+b") as fh:
        fh.truncate(_CONTAINER_SIZE)
    options = ["-s"] if case_sensitive else []
    mkapfs = [require_tool("mkapfs", "apfsprogs"), "-L", "CARD", *options, str(out)]
    subprocess.run(mkapfs, check=True, capture_output=True)
    with open(out, "r+b") as fh:
        volume = _Volume(fh)
        volume.add(files, set(fragmented))
    return out


def _u64(buffer: bytes | bytearray, offset: int) -> int:
    return int(struct.unpack_from("<Q", buffer, offset)[0])


def _u32(buffer: bytes | bytearray, offset: int) -> int:
    return int(struct.unpack_from("<I", buffer, offset)[0])


def _fletcher64(block: bytes | bytearray) -> int:
    """The object checksum: Fletcher-64 over the 32-bit little-endian words after the checksum field."""
    low = high = 0
    for (word,) in struct.iter_unpack("<I", block[8:]):
        low = (low + word) % 0xFFFFFFFF
        high = (high + low) % 0xFFFFFFFF
    check_low = 0xFFFFFFFF - ((low + high) % 0xFFFFFFFF)
    check_high = 0xFFFFFFFF - ((low + check_low) % 0xFFFFFFFF)
    return (check_high << 32) | check_low


def _crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), seeded with all ones and not inverted at the end: the register APFS keeps."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc


def _normalised(name: str, *, case_fold: bool) -> str:
    decomposed = unicodedata.normalize("NFD", name)
    return unicodedata.normalize("NFD", decomposed.casefold()) if case_fold else decomposed


def _key(oid: int, kind: int, rest: bytes = b"") -> bytes:
    """``j_key_t``: the object id in the low 60 bits, the record type in the top 4, then the type's fields."""
    return struct.pack("<Q", oid | kind << 60) + rest


def _drec_key(parent: int, name: str, *, case_fold: bool) -> bytes:
    """``j_drec_hashed_key_t``: the length counts the NUL; the hash is over the normalised name's UTF-32."""
    encoded = name.encode() + b"\0"
    utf32 = b"".join(struct.pack("<I", ord(c)) for c in _normalised(name, case_fold=case_fold))
    name_len_and_hash = ((_crc32c(utf32) & 0x3FFFFF) << 10) | len(encoded)
    return _key(parent, _TYPE_DIR_REC, struct.pack("<I", name_len_and_hash) + encoded)


def _record_order(key: bytes) -> tuple[int, int, int, bytes]:
    """Sort key of a tree record: object id, type, then the name's length-and-hash or the byte offset."""
    oid_and_type = _u64(key, 0)
    oid, kind = oid_and_type & ((1 << 60) - 1), oid_and_type >> 60
    if kind == _TYPE_DIR_REC:
        return oid, kind, _u32(key, 8), key[12:]
    if kind == _TYPE_FILE_EXTENT:
        return oid, kind, _u64(key, 8), b""
    return oid, kind, 0, b""


def _xfields(fields: list[tuple[int, int, bytes]]) -> bytes:
    """``xf_blob_t``: count, bytes of values (each padded to 8), ``x_field_t`` headers, then the values."""
    headers = b"".join(struct.pack("<BBH", kind, flags, len(data)) for kind, flags, data in fields)
    values = b"".join(data.ljust(-(-len(data) // 8) * 8, b"\0") for _, _, data in fields)
    return struct.pack("<HH", len(fields), len(values)) + headers + values


def _inode(parent: int, oid: int, name: str, *, mode: int, links: int, dstream: bytes | None) -> bytes:
    """``j_inode_val_t`` with the name (and data stream) extended fields; owner and group 0 (root)."""
    times = (_STAMP_NS,) * 4  # created, modified, changed, accessed
    ids = struct.pack("<QQ", parent, oid)  # the private id (of the data stream) is the inode's own
    rest = struct.pack("<QIIIIIIHHQ", 0, links, 0, 0, 0, 0, 0, mode, 0, 0)
    fields = [(_XF_NAME, _XF_DO_NOT_COPY, name.encode() + b"\0")]
    if dstream is not None:
        fields.append((_XF_DSTREAM, _XF_SYSTEM_FIELD, dstream))
    return ids + struct.pack("<4Q", *times) + rest + _xfields(fields)


class _Volume:
    """The one volume of a freshly made container, opened for adding files."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        fh.seek(0)
        self.block_size = _u32(fh.read(_NX_BLOCK_SIZE + 4), _NX_BLOCK_SIZE)
        nx = self.read(0)
        self.superblock_at = self.omap_lookup(_u64(nx, _NX_OMAP_OID), _u64(nx, _NX_FS_OID))
        apsb = self.read(self.superblock_at)
        assert apsb[32:36] == b"APSB", "mkapfs made no volume superblock where the object map says"
        self.case_fold = bool(_u64(apsb, _APFS_INCOMPAT) & _INCOMPAT_CASE_INSENSITIVE)
        self.fs_tree_at = self.omap_lookup(_u64(apsb, _APFS_OMAP_OID), _u64(apsb, _APFS_ROOT_TREE_OID))
        self.extentref_at = _u64(apsb, _APFS_EXTENTREF_TREE_OID)  # a physical tree: its oid is its block
        self.next_oid = _u64(apsb, _APFS_NEXT_OBJ_ID)
        self.spaceman_at = self.checkpoint_lookup(nx, _u64(nx, _NX_SPACEMAN_OID))

    def read(self, block: int) -> bytearray:
        self.fh.seek(block * self.block_size)
        return bytearray(self.fh.read(self.block_size).ljust(self.block_size, b"\0"))

    def write(self, block: int, data: bytes | bytearray, *, checksum: bool = True) -> None:
        data = bytearray(data.ljust(self.block_size, b"\0"))
        if checksum:
            struct.pack_into("<Q", data, 0, _fletcher64(data))
        self.fh.seek(block * self.block_size)
        self.fh.write(data)

    def omap_lookup(self, omap_block: int, oid: int) -> int:
        """Physical block of a virtual object, from an object map whose tree is a single leaf."""
        node = self.read(_u64(self.read(omap_block), _OMAP_TREE_OID))
        flags, _, count, _, toc_len, *_ = _NODE.unpack_from(node, 32)
        assert flags & _BTNODE_LEAF and flags & _BTNODE_FIXED_KV, "object map of more than one node"
        keys, values_end = 56 + toc_len, self.block_size - _INFO.size
        for index in range(count):
            key_at, value_at = struct.unpack_from("<HH", node, 56 + 4 * index)  # kvoff_t
            if _u64(node, keys + key_at) == oid:
                return _u64(node, values_end - value_at + 8)  # omap_val_t: flags, size, address
        raise LookupError(f"object {oid:#x} is not in the object map at block {omap_block}")

    def checkpoint_lookup(self, nx: bytearray, oid: int) -> int:
        """Physical block of an ephemeral object, from the checkpoint map (mkapfs writes one checkpoint)."""
        cpm = self.read(_u64(nx, _NX_XP_DESC_BASE) + _u32(nx, _NX_XP_DESC_INDEX))
        for index in range(_u32(cpm, 36)):
            *_, mapped, paddr = struct.unpack_from("<IIIIQQQ", cpm, 40 + 40 * index)  # cpm_entry_t
            if mapped == oid:
                return int(paddr)
        raise LookupError(f"ephemeral object {oid:#x} is not in the checkpoint map")

    def leaf_records(self, block: int) -> list[tuple[bytes, bytes]]:
        node = self.read(block)
        flags, level, count, _, toc_len, *_ = _NODE.unpack_from(node, 32)
        assert flags == _BTNODE_ROOT | _BTNODE_LEAF and level == 0, "the tree is not a single leaf"
        keys, values_end = 56 + toc_len, self.block_size - _INFO.size
        records = []
        for index in range(count):
            key_at, key_len, value_at, value_len = _KVLOC.unpack_from(node, 56 + _KVLOC.size * index)
            key = node[keys + key_at : keys + key_at + key_len]
            value = node[values_end - value_at : values_end - value_at + value_len]
            records.append((bytes(key), bytes(value)))
        return records

    def write_leaf(self, block: int, records: list[tuple[bytes, bytes]]) -> None:
        """Rebuild a root leaf node around ``records``: table of contents, packed keys and values."""
        records = sorted(records, key=lambda record: _record_order(record[0]))
        node = self.read(block)
        old_toc = _NODE.unpack_from(node, 32)[4]
        info = list(_INFO.unpack_from(node, self.block_size - _INFO.size))
        toc_len = max(old_toc, -(-len(records) // 8) * 8 * _KVLOC.size)
        keys_at, values_end = 56 + toc_len, self.block_size - _INFO.size
        room = values_end - keys_at
        key_bytes = sum(len(k) for k, _ in records)
        value_bytes = sum(len(v) for _, v in records)
        if key_bytes + value_bytes > room:
            raise ValueError(f"{ERR_LEAF_FULL}: {key_bytes + value_bytes} bytes, room for {room}")
        node[32:values_end] = bytes(values_end - 32)
        key_at = value_at = 0
        for index, (key, value) in enumerate(records):
            value_at += len(value)
            _KVLOC.pack_into(node, 56 + _KVLOC.size * index, key_at, len(key), value_at, len(value))
            node[keys_at + key_at : keys_at + key_at + len(key)] = key
            node[values_end - value_at : values_end - value_at + len(value)] = value
            key_at += len(key)
        free = (key_at, room - key_bytes - value_bytes)
        no_free_list = (0xFFFF, 0)  # nothing was freed inside the areas: all free space is in the middle
        flags = _BTNODE_ROOT | _BTNODE_LEAF
        _NODE.pack_into(node, 32, flags, 0, len(records), 0, toc_len, *free, *no_free_list, *no_free_list)
        info[4] = max([info[4], *(len(k) for k, _ in records)])  # longest key ever stored
        info[5] = max([info[5], *(len(v) for _, v in records)])  # longest value ever stored
        info[6] = len(records)
        _INFO.pack_into(node, values_end, *info)
        self.write(block, node)

    def add(self, files: dict[str, bytes], fragmented: set[str]) -> None:
        tree = _Tree(self.leaf_records(self.fs_tree_at), self.next_oid, case_fold=self.case_fold)
        allocator = _Allocator(self)
        for path in sorted(files):
            data = files[path]
            runs = allocator.store(data, one_block_each=path in fragmented) if data else []
            tree.add_file(path, len(data), runs, self.block_size)
        self.write_leaf(self.fs_tree_at, tree.finished())
        self.write_leaf(self.extentref_at, self.leaf_records(self.extentref_at) + tree.extent_refs)
        allocator.commit()
        apsb = self.read(self.superblock_at)
        counts = ((_APFS_NUM_FILES, len(files)), (_APFS_NUM_DIRS, len(tree.folders) - 1))
        for offset, added in (*counts, (_APFS_ALLOC_COUNT, allocator.taken)):
            struct.pack_into("<Q", apsb, offset, _u64(apsb, offset) + added)
        struct.pack_into("<Q", apsb, _APFS_NEXT_OBJ_ID, tree.next_oid)
        self.write(self.superblock_at, apsb)


class _Tree:
    """The records added to the file-system tree: inodes, directory entries, data streams and extents."""

    def __init__(self, records: list[tuple[bytes, bytes]], next_oid: int, *, case_fold: bool) -> None:
        self.records = records
        self.next_oid = next_oid
        self.case_fold = case_fold
        self.folders: dict[str, int] = {"": _ROOT_FOLDER}
        self.children: dict[int, int] = {}
        self.names: set[tuple[int, str]] = set()
        self.extent_refs: list[tuple[bytes, bytes]] = []  # for the extent-reference tree

    def link(self, path: str, kind: int) -> tuple[int, int, str]:
        """A new object id and its directory entry in the parent folder: (parent, oid, name)."""
        assert path.startswith("/") and "//" not in path and not path.endswith("/"), path
        parent, name = self.folder(path.rpartition("/")[0]), path.rpartition("/")[2]
        clash = (parent, _normalised(name, case_fold=self.case_fold))
        if clash in self.names:
            raise ValueError(f"{ERR_NAME_CLASH}: {path!r}")
        self.names.add(clash)
        self.children[parent] = self.children.get(parent, 0) + 1
        oid, self.next_oid = self.next_oid, self.next_oid + 1
        drec = struct.pack("<QQH", oid, _STAMP_NS, kind)  # j_drec_val_t: file id, date added, type
        self.records.append((_drec_key(parent, name, case_fold=self.case_fold), drec))
        return parent, oid, name

    def folder(self, path: str) -> int:
        if path not in self.folders:
            self.folders[path] = self.link(path, _DT_DIR)[1]
        return self.folders[path]

    def add_file(self, path: str, size: int, runs: list[tuple[int, int]], block_size: int) -> None:
        """A file of ``size`` bytes stored in ``runs`` (first block, block count), in file order."""
        parent, oid, name = self.link(path, _DT_REG)
        dstream = None
        if runs:
            alloced = sum(count for _, count in runs) * block_size
            dstream = struct.pack("<QQQQQ", size, alloced, 0, size, 0)  # j_dstream_t
            self.records.append((_key(oid, _TYPE_DSTREAM_ID), struct.pack("<I", 1)))  # reference count
            logical = 0
            for start, count in runs:
                extent = struct.pack("<QQQ", count * block_size, start, 0)  # j_file_extent_val_t
                self.records.append((_key(oid, _TYPE_FILE_EXTENT, struct.pack("<Q", logical)), extent))
                ref = struct.pack("<QQI", count | _KIND_NEW << 60, oid, 1)  # j_phys_ext_val_t
                self.extent_refs.append((_key(start, _TYPE_EXTENT), ref))
                logical += count * block_size
        inode = _inode(parent, oid, name, mode=_S_IFREG | 0o644, links=1, dstream=dstream)
        self.records.append((_key(oid, _TYPE_INODE), inode))

    def finished(self) -> list[tuple[bytes, bytes]]:
        """Every record, with the folders' inodes (child counts known now) and the root's count updated."""
        for path, oid in self.folders.items():
            if oid != _ROOT_FOLDER:
                parent, name = self.folders[path.rpartition("/")[0]], path.rpartition("/")[2]
                links = self.children.get(oid, 0)
                inode = _inode(parent, oid, name, mode=_S_IFDIR | 0o755, links=links, dstream=None)
                self.records.append((_key(oid, _TYPE_INODE), inode))
        root_key = _key(_ROOT_FOLDER, _TYPE_INODE)
        [index] = [i for i, (key, _) in enumerate(self.records) if key == root_key]
        root = bytearray(self.records[index][1])
        struct.pack_into("<I", root, _INODE_NCHILDREN, self.children.get(_ROOT_FOLDER, 0))
        self.records[index] = (root_key, bytes(root))
        return self.records


class _Allocator:
    """Free blocks from the space manager's bitmap (one chunk: the 128 MiB container has no more)."""

    def __init__(self, volume: _Volume) -> None:
        self.volume = volume
        spaceman = volume.read(volume.spaceman_at)
        assert _u64(spaceman, _SM_MAIN_CHUNKS) == 1, "the builder handles a container of one bitmap chunk"
        self.cib_at = _u64(spaceman, _u32(spaceman, _SM_MAIN_ADDR_OFFSET))
        cib = volume.read(self.cib_at)
        assert _u32(cib, _CIB_COUNT) == 1
        _, first, count, _, self.bitmap_at = _CHUNK_INFO.unpack_from(cib, _CIB_FIRST)
        assert first == 0
        bitmap = volume.read(self.bitmap_at)
        self.used = [bool(bitmap[i // 8] >> (i % 8) & 1) for i in range(count)]
        self.taken = 0

    def find(self, count: int) -> int:
        run = 0
        for block, used in enumerate(self.used):
            run = 0 if used else run + 1
            if run == count:
                return block - count + 1
        raise ValueError(f"no run of {count} free blocks in the container")

    def store(self, data: bytes, *, one_block_each: bool) -> list[tuple[int, int]]:
        """Write ``data`` into free blocks; (first block, block count) for each extent, in file order."""
        size = self.volume.block_size
        count = -(-len(data) // size)
        if one_block_each:
            # Every other block of a free run, last piece first: no two pieces adjacent, none in file order.
            base = self.find(2 * count - 1)
            runs = [(base + 2 * (count - 1 - piece), 1) for piece in range(count)]
        else:
            runs = [(self.find(count), count)]
        offset = 0
        for start, blocks in runs:
            for block in range(start, start + blocks):
                assert not self.used[block]
                self.used[block] = True
                self.volume.write(block, data[offset : offset + size], checksum=False)
                offset += size
            self.taken += blocks
        return runs

    def commit(self) -> None:
        """Write the bitmap and take the blocks off the chunk's and the space manager's free counts."""
        bitmap = bytearray(self.volume.block_size)
        for block, used in enumerate(self.used):
            if used:
                bitmap[block // 8] |= 1 << (block % 8)
        self.volume.write(self.bitmap_at, bitmap, checksum=False)  # bitmaps have no object header
        cib = self.volume.read(self.cib_at)
        xid, first, count, free, bitmap_at = _CHUNK_INFO.unpack_from(cib, _CIB_FIRST)
        _CHUNK_INFO.pack_into(cib, _CIB_FIRST, xid, first, count, free - self.taken, bitmap_at)
        self.volume.write(self.cib_at, cib)
        spaceman = self.volume.read(self.volume.spaceman_at)
        struct.pack_into(
            "<Q", spaceman, _SM_MAIN_FREE_COUNT, _u64(spaceman, _SM_MAIN_FREE_COUNT) - self.taken
        )
        self.volume.write(self.volume.spaceman_at, spaceman)
