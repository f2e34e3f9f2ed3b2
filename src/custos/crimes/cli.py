"""``custos crimes import FILE --borough CODE``: police.uk street CSV intake, all rows or none."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from custos.core.calc import UserError


def register(sub: argparse._SubParsersAction) -> None:
    crimes = sub.add_parser("crimes", help="crime records: police.uk CSV intake")
    crimes_sub = crimes.add_subparsers(dest="crimes_command", metavar="COMMAND", required=True)
    imp = crimes_sub.add_parser("import", help="import a police.uk street CSV (every row valid, or nothing)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--borough", required=True, help="borough code the crimes belong to")
    imp.add_argument(
        "--user", default="", help="account to record the import against (default: the first administrator)"
    )
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    from custos.cli import _django

    _django()
    from custos.crimes.services import crimes_import_csv
    from custos.workforce.models import Borough

    if not args.file.is_file():
        raise UserError(f"{args.file} does not exist")
    borough = Borough.objects.filter(code=args.borough).first()
    if borough is None:
        raise UserError(f"unknown borough {args.borough!r}")
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{args.file} is not UTF-8 text") from None
    result = crimes_import_csv(actor=cli_actor(args.user), text=text, borough=borough)
    out = {
        "created": result.created,
        "skipped_anti_social_behaviour": result.skipped_asb,
        "errors": [str(e) for e in result.errors],
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for e in result.errors:
            print(e)
        print(
            f"{result.created} {'crime' if result.created == 1 else 'crimes'} imported"
            if result.ok
            else f"nothing imported: {len(result.errors)} {'error' if len(result.errors) == 1 else 'errors'}"
        )
    return 0 if result.ok else 1


def cli_actor(username: str) -> object:
    """The account a command acts as: the named one, or the first administrator."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise UserError(f"unknown user {username!r}")
        return user
    for user in users.filter(is_active=True).order_by("pk"):
        if "administrator" in {str(r) for r in user.roles}:
            return user
    raise UserError("no administrator account exists; create one or pass --user")
