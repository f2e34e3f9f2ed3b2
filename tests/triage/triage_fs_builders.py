"""File-system images built in the tests from files, without mounting anything (we cannot mount here).

FAT with mkfs.vfat + mtools, NTFS with mkntfs + ntfscp, exFAT with mkfs.exfat + a small writer of our own
(no userspace tool adds files to exFAT), ISO 9660 with xorriso, HFS+ entirely by our own writer in
``triage_hfsplus`` (hfsprogs is not in the Debian mirror; hfsutils makes classic HFS, which TSK cannot
read).
Deletions are done the way the operating system does them, so The Sleuth Kit sees what it would see on a
seized card or disk:

* FAT: ``mdel`` (first byte of the short name becomes 0xE5, the clusters are freed).
* NTFS: as Windows does, the MFT record's in-use flag is cleared, its sequence number incremented, its bit
  in the ``$MFT`` bitmap cleared and the name removed from the parent's index (later entries shift down).
  The data clusters are left allocated in ``$Bitmap``; the scanner does not look at cluster allocation.
* exFAT: the in-use bit of each entry of the file's directory set is cleared and its clusters freed in the
  allocation bitmap.
* HFS+: the file's catalog records are removed and its blocks freed (``triage_hfsplus``).
"""

from __future__ import annotations

import struct
import subprocess
from datetime import datetime
from pathlib import Path

from triage_fixtures import require_tool
from triage_hfsplus import hfsplus_image as hfsplus_image  # the HFS+ writer has a module of its own


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
