"""Lab commands that need the database: ``custos hashset ...`` and the triage upload.

``register(subparsers)`` adds the top-level ``hashset`` command (import, list, enable, disable, kit).
``add_upload_command(triage_subparsers)`` adds ``upload`` under the scanner's ``custos triage`` command, and
``upload_report(path, device_id)`` is the function behind it; both are for the lead to wire into
``custos.triage.cli`` (owned by the scanner engineer). Django is imported lazily inside each handler.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from custos.core.calc import UserError, run_commands

ERR_NO_USER = "no account {username!r}"
ERR_NO_SET = "no hash set named {name!r}"


def _django() -> None:
    from custos.cli import _django as setup

    setup()


def _actor(username: str | None) -> Any:
    if not username:
        return None  # run on the server by its operator: audited as the command line
    from custos.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise UserError(ERR_NO_USER.format(username=username))
    return user


def _client() -> None:
    from custos.core import requestctx

    requestctx.set_client("cli")


def _messages(exc: Any) -> str:
    return "; ".join(getattr(exc, "messages", None) or [str(exc)])


def upload_report(path: str, device_id: int, username: str | None = None) -> dict[str, Any]:
    """Attach a scanner report to a device (``custos triage upload REPORT.json --device ID``)."""
    _django()
    from django.core.exceptions import ValidationError

    from custos.triage import services

    _client()
    try:
        result, created = services.upload_report(path, device_id, actor=_actor(username))
    except ValidationError as exc:
        raise UserError(_messages(exc)) from None
    except PermissionError as exc:
        raise UserError(str(exc)) from None
    return {
        "device": device_id,
        "result": result.pk,
        "created": created,
        "verdict": result.verdict,
        "matched_files": result.matched_files,
        "by_category": result.by_category,
        "policy_version": result.policy_version,
    }


def _upload(args: argparse.Namespace) -> int:
    print(json.dumps(upload_report(args.report, args.device, args.user)))
    return 0


def _import(args: argparse.Namespace) -> int:
    _django()
    from django.core.exceptions import ValidationError

    from custos.triage import hashstore

    _client()
    try:
        outcome = hashstore.hashset_import(
            actor=_actor(args.user),
            path=args.file,
            name=args.name,
            version=args.version,
            known_good=args.known_good,
            load_rds=args.load,
        )
    except ValidationError as exc:
        raise UserError(_messages(exc)) from None
    except PermissionError as exc:
        raise UserError(str(exc)) from None
    print(json.dumps(outcome.describe()))
    return 0


def _list(args: argparse.Namespace) -> int:
    _django()
    from custos.triage.models import HashSet

    rows = [
        {
            "name": s.name,
            "kind": s.kind,
            "version": s.version,
            "enabled": s.enabled,
            "exact": s.exact_count,
            "pdq": s.pdq_count,
            "in_place": bool(s.in_place_path),
        }
        for s in HashSet.objects.order_by("name")
    ]
    if args.json:
        print(json.dumps(rows))
    else:
        for r in rows:
            state = "enabled " if r["enabled"] else "disabled"
            counts = f"{r['exact']:>12,} exact  {r['pdq']:>10,} pdq"
            print(f"{state}  {r['kind']:<10}  {counts}  {r['name']} {r['version']}")
    return 0


def _toggle(enabled: bool) -> Any:
    def run(args: argparse.Namespace) -> int:
        _django()
        from custos.triage import hashstore
        from custos.triage.models import HashSet

        _client()
        hs = HashSet.objects.filter(name=args.name).first()
        if hs is None:
            raise UserError(ERR_NO_SET.format(name=args.name))
        try:
            hashstore.hashset_set_enabled(actor=_actor(args.user), hash_set=hs, enabled=enabled)
        except PermissionError as exc:
            raise UserError(str(exc)) from None
        print(f"{hs.name}: {'enabled' if enabled else 'disabled'}")
        return 0

    return run


def _kit(args: argparse.Namespace) -> int:
    import os

    from custos.triage.cli import ERR_KEY_MISSING

    if not os.path.isfile(args.key):
        raise UserError(ERR_KEY_MISSING.format(path=args.key))
    _django()
    from django.core.exceptions import ValidationError

    from custos.triage import hashstore
    from custos.triage.scanner.kit import KitError

    _client()
    try:
        manifest = hashstore.hashset_kit_export(
            actor=_actor(args.user), key_path=args.key, out=args.out, version=args.version
        )
    except (ValidationError, KitError, OSError, ValueError) as exc:
        raise UserError(_messages(exc)) from None
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


def add_upload_command(triage_sub: argparse._SubParsersAction) -> None:
    p = triage_sub.add_parser("upload", help="attach a scan report to a device in the lab queue")
    p.add_argument("report", metavar="REPORT.json")
    p.add_argument("--device", type=int, required=True, metavar="ID")
    p.add_argument("--user", help="account to record as uploader (default: the command line)")
    p.set_defaults(handler=_upload)


def register(subparsers: argparse._SubParsersAction) -> None:
    hashset = subparsers.add_parser("hashset", help="hash sets in the database (import, enable, kit)")
    sub = hashset.add_subparsers(dest="hashset_command", required=True)
    p = sub.add_parser("import", help="import a hash-set file (format detected by content); idempotent")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--name", required=True)
    p.add_argument("--version")
    p.add_argument("--known-good", action="store_true", help="a known-good set (filters files out)")
    p.add_argument(
        "--load",
        action="store_true",
        help="copy an NSRL RDS database into the indexed store instead of querying it in place",
    )
    p.add_argument("--user", help="account to record as importer (default: the command line)")
    p.set_defaults(handler=_import)
    p = sub.add_parser("list", help="list hash sets")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_list)
    for name, enabled in (("enable", True), ("disable", False)):
        p = sub.add_parser(name, help=f"{name} a set for matching and kits")
        p.add_argument("name")
        p.add_argument("--user")
        p.set_defaults(handler=_toggle(enabled))
    p = sub.add_parser("kit", help="export the enabled sets as a signed, versioned triage kit")
    p.add_argument(
        "--key", required=True, metavar="KEY", help="Ed25519 private key (custos triage kit keygen)"
    )
    p.add_argument("--out", required=True, metavar="KIT.zip")
    p.add_argument("--version", required=True)
    p.add_argument("--user")
    p.set_defaults(handler=_kit)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry for tests (``python -m custos.triage.lab_cli``)."""
    return run_commands(register, argv)


if __name__ == "__main__":
    sys.exit(main())
