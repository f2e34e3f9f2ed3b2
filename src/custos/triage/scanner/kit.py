"""Triage kits: the force's enabled hash sets as one signed, versioned bundle for offline field use.

A kit is a zip holding ``kit.json`` (manifest: version, creation time, signer's Ed25519 public key, and each
set's name, role, format, file name, size and SHA-256), ``kit.sig`` (hex Ed25519 signature over the exact
bytes of ``kit.json``) and the set files under ``sets/``. The scanner refuses a kit when the signature fails,
when any set file's digest differs from the manifest, when the zip holds a file the manifest does not list,
or, where trusted keys are configured (policy ``triage.kit_trusted_keys`` or ``--kit-key``), when the signer
is not one of them. Without trusted keys a valid kit is still accepted (tamper-evident) and the report says
``signer_trusted: false`` with the signer's key so the examiner can check it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KIT_FORMAT = 1
MANIFEST = "kit.json"
SIGNATURE = "kit.sig"
ERR_SIGNATURE = "triage kit {path}: signature verification failed; the kit was altered or is not genuine"
ERR_DIGEST = "triage kit {path}: set {name} does not match its signed digest; the kit was altered"
ERR_UNLISTED = "triage kit {path}: holds {name}, which the signed manifest does not list"
ERR_UNTRUSTED = "triage kit {path}: signed by key {key}, which is not among the trusted kit keys"
ERR_NOT_KIT = "triage kit {path}: not a triage kit ({detail})"
ERR_NO_KIT_FILE = "triage kit {path} does not exist or is not a file"
ERR_OUT_FOLDER = "--out {path}: the folder {folder} does not exist or cannot be written to"
ERR_OUT_IS_FOLDER = "--out {path} is a folder: give the file to write, e.g. {path}/kit.zip"
ERR_NOT_A_KEY = "signing key {path} is not an Ed25519 private key (PEM, as 'custos triage kit keygen' writes)"
ERR_NO_VERSION = "a triage kit needs a version, e.g. --version 2026.11.25"
ERR_KEY_EXISTS = (
    "signing key {path} already exists: a new key there would replace it, and kits it signed would no longer "
    "be trusted; choose another --out"
)
ERR_KEY_WRITE = "cannot write the signing key {path}: {reason}"


class KitError(Exception):
    pass


@dataclass(frozen=True)
class KitSet:
    name: str
    role: str
    path: str  # extracted file


@dataclass
class Kit:
    manifest: dict[str, Any]
    sets: list[KitSet]
    signer: str
    signer_trusted: bool
    workdir: tempfile.TemporaryDirectory[str]

    def describe(self) -> dict[str, Any]:
        return {
            "version": self.manifest.get("version"),
            "created": self.manifest.get("created"),
            "signer": self.signer,
            "signer_trusted": self.signer_trusted,
            "signature_verified": True,
            "sets": [s.name for s in self.sets],
        }


def generate_key(private_path: str) -> str:
    """Write a new Ed25519 private key (PEM, PKCS#8) and ``<path>.pub`` (hex); return the public hex."""
    if os.path.lexists(private_path) or os.path.lexists(f"{private_path}.pub"):
        raise KitError(ERR_KEY_EXISTS.format(path=private_path))
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = public_hex(key.public_key())
    try:
        # O_EXCL: never overwrite a key, even one created since the check above.
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        Path(f"{private_path}.pub").write_text(public + "\n")
    except FileExistsError:
        raise KitError(ERR_KEY_EXISTS.format(path=private_path)) from None
    except OSError as exc:
        raise KitError(ERR_KEY_WRITE.format(path=private_path, reason=exc.strerror or exc)) from None
    return public


def public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def load_private_key(path: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (ValueError, TypeError, OSError, UnsupportedAlgorithm):
        raise KitError(ERR_NOT_A_KEY.format(path=path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KitError(ERR_NOT_A_KEY.format(path=path))
    return key


def check_output(out: str) -> None:
    """Refuse a kit path that cannot be written, before any work (it would fail at the end otherwise)."""
    if os.path.isdir(out):
        raise KitError(ERR_OUT_IS_FOLDER.format(path=out))
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK | os.X_OK):
        raise KitError(ERR_OUT_FOLDER.format(path=out, folder=folder))


def read_public_key(value: str) -> str:
    """A trusted key given as hex or as a file holding hex."""
    text = Path(value).read_text().strip() if os.path.isfile(value) else value.strip()
    try:
        if len(bytes.fromhex(text)) != 32:
            raise ValueError
    except ValueError:
        raise KitError(f"{value!r} is not a 64-digit hex Ed25519 public key") from None
    return text.lower()


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def build_kit(
    sets: list[dict[str, Any]], *, key_path: str, out: str, version: str, policy_version: str
) -> dict[str, Any]:
    """``sets``: dicts with ``path``, ``name``, ``role``, ``format``, ``entries`` (already validated)."""
    if not version.strip():
        raise KitError(ERR_NO_VERSION)
    check_output(out)
    key = load_private_key(key_path)
    listed = []
    for i, s in enumerate(sets, start=1):
        arcname = f"sets/{i:02d}-{Path(s['path']).name}"
        listed.append(
            {
                "name": s["name"],
                "role": s["role"],
                "format": s["format"],
                "entries": s["entries"],
                "file": arcname,
                "size": os.path.getsize(s["path"]),
                "sha256": _sha256(s["path"]),
            }
        )
    manifest = {
        "kit_format": KIT_FORMAT,
        "version": version,
        "created": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "policy_version": policy_version,
        "signer": public_hex(key.public_key()),
        "sets": listed,
    }
    body = json.dumps(manifest, indent=1, sort_keys=True).encode()
    signature = key.sign(body).hex()
    tmp = f"{out}.tmp-{os.getpid()}"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, body)
        zf.writestr(SIGNATURE, signature + "\n")
        for s, entry in zip(sets, listed, strict=True):
            zf.write(s["path"], entry["file"])
    os.replace(tmp, out)
    return manifest


def open_kit(path: str, *, trusted_keys: list[str]) -> Kit:
    """Verify and extract a kit. Raises ``KitError`` (the scan must stop) on any failure."""
    if not os.path.isfile(path):
        raise KitError(ERR_NO_KIT_FILE.format(path=path))
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise KitError(ERR_NOT_KIT.format(path=path, detail=exc)) from None
    with zf:
        names = set(zf.namelist())
        if MANIFEST not in names or SIGNATURE not in names:
            raise KitError(ERR_NOT_KIT.format(path=path, detail="no kit.json/kit.sig"))
        body = zf.read(MANIFEST)
        try:
            manifest = json.loads(body)
            signer = str(manifest["signer"])
            signature = bytes.fromhex(zf.read(SIGNATURE).decode().strip())
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(signer)).verify(signature, body)
        except InvalidSignature:
            raise KitError(ERR_SIGNATURE.format(path=path)) from None
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise KitError(ERR_SIGNATURE.format(path=path)) from None
        trusted = {k.lower() for k in trusted_keys}
        if trusted and signer.lower() not in trusted:
            raise KitError(ERR_UNTRUSTED.format(path=path, key=signer))
        listed = {s["file"] for s in manifest["sets"]}
        for name in sorted(names - listed - {MANIFEST, SIGNATURE}):
            raise KitError(ERR_UNLISTED.format(path=path, name=name))
        workdir = tempfile.TemporaryDirectory(prefix="custos-kit-")
        sets = []
        for entry in manifest["sets"]:
            target = os.path.join(workdir.name, os.path.basename(entry["file"]))
            with zf.open(entry["file"]) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            if _sha256(target) != entry["sha256"]:
                workdir.cleanup()
                raise KitError(ERR_DIGEST.format(path=path, name=entry["name"]))
            sets.append(KitSet(entry["name"], entry["role"], target))
    return Kit(manifest=manifest, sets=sets, signer=signer, signer_trusted=bool(trusted), workdir=workdir)
