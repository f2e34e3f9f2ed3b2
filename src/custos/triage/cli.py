"""``custos triage ...``: the offline scanner and triage-kit commands. No Django settings needed.

``custos.cli`` calls :func:`register` with its sub-parsers; each handler is stored as ``handler`` on the
parsed namespace and returns an exit code (0 on success); user mistakes raise ``UserError``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from custos.core.calc import UserError, run_commands
from custos.core.policy import current_policy

WARN_KIT_SIGNER = (
    "warning: triage kit {path} is intact but signed by key {signer}, which nothing here trusts "
    "(set triage.kit_trusted_keys or pass --kit-key): check that key is your force's before relying on it"
)
# The report was written but no file could be read from the image (encrypted, damaged, or not a disk image at
# all): not a success a script may take for "no hits" (2 stays for mistakes that wrote nothing).
EXIT_NOTHING_READ = 3
ERR_NOTHING_READ = "{reason} (report written to {report})"
ERR_KEY_MISSING = "signing key {path} does not exist; create one with 'custos triage kit keygen --out KEY'"


def _scan(args: argparse.Namespace) -> int:
    from .scanner.scan import ScanError, ScanOptions, scan

    opts = ScanOptions(
        source=args.source,
        json_out=args.json,
        hashsets=args.hashset or [],
        known_good=args.known_good or [],
        kit=args.kit,
        kit_keys=args.kit_key or [],
        workers=args.workers,
        html_out=args.html,
        manifest_out=args.manifest,
        vics_out=args.vics,
        resume=args.resume,
        progress=not args.quiet,
        pdq=not args.no_pdq,
        command=["custos", "triage", "scan", *sys.argv[3:]] if len(sys.argv) > 3 else [],
    )
    if args.workers is not None and args.workers < 1:
        raise UserError("--workers must be at least 1")
    try:
        report = scan(opts, policy=current_policy())
    except ScanError as exc:
        raise UserError(str(exc)) from None
    except KeyboardInterrupt:
        raise UserError("scan interrupted; run the same command with --resume to continue") from None
    kit = report.get("kit")
    if kit and not kit.get("signer_trusted"):
        print(WARN_KIT_SIGNER.format(path=args.kit, signer=kit.get("signer")), file=sys.stderr)
    s = report["summary"]
    if s.get("nothing_read"):
        reason = ERR_NOTHING_READ.format(reason=s["likely_iioc_reason"], report=args.json)
        print(f"custos: error: {reason}", file=sys.stderr)
        return EXIT_NOTHING_READ
    print(
        f"{s['files_total']} files, {s['matched_files']} matched "
        f"({s['by_kind']['exact']} exact, {s['by_kind']['perceptual']} perceptual), "
        f"likely IIOC: {'yes' if s['likely_iioc'] else 'no'}, lab priority: {s['lab_priority']}",
        file=sys.stderr,
    )
    return 0


def _kit_keygen(args: argparse.Namespace) -> int:
    from .scanner.kit import KitError, generate_key

    try:
        public = generate_key(args.out)
    except KitError as exc:
        raise UserError(str(exc)) from None
    print(json.dumps({"private_key": args.out, "public_key_file": f"{args.out}.pub", "public_key": public}))
    return 0


def _kit_build(args: argparse.Namespace) -> int:
    from .scanner.hashsets import KNOWN_BAD, KNOWN_GOOD, HashSetError, import_hashset_file
    from .scanner.kit import ERR_NO_VERSION, KitError, build_kit, check_output

    policy = current_policy()
    if not os.path.isfile(args.key):
        raise UserError(ERR_KEY_MISSING.format(path=args.key))
    if not args.version.strip():
        raise UserError(ERR_NO_VERSION)
    sets = []
    try:
        check_output(args.out)  # before reading sets that may be large
        for path, role in [
            *((p, KNOWN_BAD) for p in args.sets),
            *((p, KNOWN_GOOD) for p in args.known_good or []),
        ]:
            parsed = import_hashset_file(path, name=os.path.basename(path), policy=policy, role=role)
            sets.append(
                {
                    "path": path,
                    "name": parsed.name,
                    "role": parsed.role,
                    "format": parsed.format,
                    "entries": parsed.count,
                }
            )
        manifest = build_kit(
            sets, key_path=args.key, out=args.out, version=args.version, policy_version=policy.version
        )
    except (HashSetError, KitError, ValueError) as exc:
        raise UserError(str(exc)) from None
    print(
        json.dumps(
            {
                "kit": args.out,
                "version": manifest["version"],
                "signer": manifest["signer"],
                "sets": [s["name"] for s in manifest["sets"]],
            }
        )
    )
    return 0


def _kit_verify(args: argparse.Namespace) -> int:
    from .scanner.kit import KitError, open_kit, read_public_key

    policy = current_policy()
    try:
        trusted = [
            read_public_key(k) for k in [*policy.get("triage.kit_trusted_keys"), *(args.kit_key or [])]
        ]
        kit = open_kit(args.kit, trusted_keys=trusted)
    except KitError as exc:
        raise UserError(str(exc)) from None
    print(json.dumps(kit.describe()))
    kit.workdir.cleanup()
    return 0


def _add_lab_commands(sub: argparse._SubParsersAction) -> None:
    """``custos triage upload`` lives with the Django side (lab_cli, Django imported only when it runs)."""
    import importlib

    try:
        lab_cli = importlib.import_module("custos.triage.lab_cli")
    except ModuleNotFoundError as exc:
        if exc.name != "custos.triage.lab_cli":
            raise
        return  # a scanner-only install (field workstation): no lab commands
    lab_cli.add_upload_command(sub)


def register(subparsers: argparse._SubParsersAction) -> None:
    triage = subparsers.add_parser("triage", help="offline device triage for indecent images of children")
    sub = triage.add_subparsers(dest="triage_command", required=True)

    scan = sub.add_parser("scan", help="scan a folder or disk image against hash sets")
    scan.add_argument("source", help="folder, raw/dd (.000 split), E01, qcow2, vmdk or vhd image")
    scan.add_argument("--hashset", action="append", metavar="FILE", help="known-bad set (format by content)")
    scan.add_argument("--known-good", action="append", metavar="FILE", help="known-good set, e.g. NSRL")
    scan.add_argument("--kit", metavar="FILE", help="signed triage kit of hash sets")
    scan.add_argument("--kit-key", action="append", metavar="HEX|FILE", help="trusted kit signing key")
    scan.add_argument("--workers", type=int, metavar="N", help="processes (default: every core)")
    scan.add_argument("--json", required=True, metavar="OUT.json", help="JSON report")
    scan.add_argument("--html", metavar="OUT.html", help="human report (never shows matched images)")
    scan.add_argument("--manifest", metavar="OUT.txt", help="hashdeep manifest (folder sources)")
    scan.add_argument("--vics", metavar="OUT.json", help="VICS 2.0 #Cases export for the lab")
    scan.add_argument(
        "--resume", action="store_true", help="continue an interrupted scan from its checkpoint"
    )
    scan.add_argument("--no-pdq", action="store_true", help="exact hashes only (no PDQ/vPDQ)")
    scan.add_argument("--quiet", action="store_true", help="no progress bar")
    scan.set_defaults(handler=_scan)

    _add_lab_commands(sub)

    kit = sub.add_parser("kit", help="signed bundles of hash sets for offline use")
    kit_sub = kit.add_subparsers(dest="kit_command", required=True)
    keygen = kit_sub.add_parser("keygen", help="create an Ed25519 signing key (and KEY.pub)")
    keygen.add_argument("--out", required=True, metavar="KEY")
    keygen.set_defaults(handler=_kit_keygen)
    build = kit_sub.add_parser("build", help="validate sets and write a signed kit")
    build.add_argument("sets", nargs="+", metavar="FILE", help="known-bad sets")
    build.add_argument("--known-good", action="append", metavar="FILE")
    build.add_argument("--key", required=True, metavar="KEY", help="Ed25519 private key (PEM)")
    build.add_argument("--out", required=True, metavar="KIT.zip")
    build.add_argument("--version", required=True, help="kit version, e.g. 2026.11.25")
    build.set_defaults(handler=_kit_build)
    verify = kit_sub.add_parser("verify", help="check a kit's signature and contents")
    verify.add_argument("kit", metavar="KIT.zip")
    verify.add_argument("--kit-key", action="append", metavar="HEX|FILE")
    verify.set_defaults(handler=_kit_verify)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry for tests and field use (``python -m custos.triage.cli``)."""
    return run_commands(register, argv)


if __name__ == "__main__":
    sys.exit(main())
