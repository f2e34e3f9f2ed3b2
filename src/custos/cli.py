"""The `custos` command: one entry point for the demo, the server, the worker, seeding, the nightly sweep,
rule calculators, account administration and the offline triage scanner.

User mistakes print one clear line to stderr and exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from custos.core.calc import UserError, all_calculators

DEFAULT_PORT = 8000
SCALES = ["demo", "borough", "london"]
# Times measured on the 2-core reference machine (docs/performance.md, "Seeding"); keep them in step.
SCALE_HELP = (
    "size of the synthetic force: demo (default; three boroughs, seeded in seconds), "
    "borough (about 30,000 crimes, under a minute) or "
    "london (32 boroughs, about 900,000 crimes; about 12 minutes and a 6 GB database)"
)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custos.settings")
    import django

    django.setup()


def _print_result(result: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, indent=2, default=str, sort_keys=False))
        return
    if isinstance(result, list):
        for item in result:
            print(json.dumps(item, default=str) if isinstance(item, dict | list) else item)
    elif isinstance(result, dict):
        width = max((len(str(k)) for k in result), default=0)
        for k, v in result.items():
            if isinstance(v, list | dict):
                v = json.dumps(v, default=str)
            print(f"{str(k).ljust(width)}  {v}")
    else:
        print(result)


# --- calc ---------------------------------------------------------------------------------------------


def _add_calc(sub: argparse._SubParsersAction, *, rules: bool) -> None:
    """``rules`` False: the command is listed but its calculators are not imported (every domain's rules and
    the holiday calendars: about 0.3 s on every other command's start, a tenth of a 2 GB triage scan)."""
    calc = sub.add_parser("calc", help="rule calculators (law and policy), printing their basis")
    calc_sub = calc.add_subparsers(dest="rule", metavar="RULE", required=True)
    for c in all_calculators() if rules else []:
        p = calc_sub.add_parser(c.name, help=c.help, description=c.help)
        c.configure(p)
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(handler=lambda args, c=c: _run_calc(c, args))


def _run_calc(c: Any, args: argparse.Namespace) -> int:
    _print_result(c.run(args), args.json)
    return 0


# --- server, worker, demo --------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    _django()
    from custos.core import runtime

    return runtime.serve(host=args.host, port=args.port, prod=args.prod)


def cmd_worker(args: argparse.Namespace) -> int:
    _django()
    from custos.core import runtime

    return runtime.worker(batch=args.batch)


def cmd_demo(args: argparse.Namespace) -> int:
    _django()
    from custos.demo import run_demo

    return run_demo(host=args.host, port=args.port, seed=args.seed, serve=not args.no_serve, scale=args.scale)


def cmd_seed(args: argparse.Namespace) -> int:
    _django()
    from custos.demo.seed import seed

    seed(scale=args.scale, seed=args.seed, progress=not args.quiet)
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    _django()
    from custos.core import runtime

    results = runtime.sweep(today=args.date or None)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for name, r in results["sweeps"].items():
            made = ", ".join(f"{k}: {v}" for k, v in r["created"].items()) or "nothing new"
            print(f"{name}: checked {r['checked']}, created {made}")
    return 0


# --- accounts ----------------------------------------------------------------------------------------------


def cmd_createuser(args: argparse.Namespace) -> int:
    _django()
    from custos.core import runtime

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    if not password:
        raise UserError(
            "give the password on standard input with --password-stdin (it is never a command argument)"
        )
    runtime.create_user(username=args.username, roles=args.role, team=args.team, password=password)
    print(f"Created {args.username}. They will set up two-factor authentication at first sign-in.")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    _django()
    from custos.core import runtime

    raw, expires = runtime.create_token(
        username=args.username, scope=args.scope, days=args.expires, name=args.name
    )
    print(raw)
    print(
        f"Scope {args.scope}, expires {expires:%Y-%m-%d}. This token is shown once: store it now.",
        file=sys.stderr,
    )
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    _django()
    from custos.core import runtime

    runtime.revoke_token(prefix=args.prefix)
    print(f"Revoked token {args.prefix}.")
    return 0


def cmd_otp(args: argparse.Namespace) -> int:
    _django()
    from custos.core import runtime

    print(runtime.current_otp(username=args.username))
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custos.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["custos manage", *args.rest])
    return 0


# --- parser -------------------------------------------------------------------------------------------------


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; given ``argv``, only what parsing it needs (see ``_add_calc``)."""
    parser = argparse.ArgumentParser(
        prog="custos",
        description="Custos: public-protection and investigation management for police forces.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, fn: Callable[[argparse.Namespace], int], help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(handler=fn)
        return p

    p = add(
        "demo", cmd_demo, "migrate, seed the synthetic force, create demo accounts, print logins and serve"
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument("--seed", type=int, default=1, help="random seed for the synthetic force (default 1)")
    p.add_argument("--no-serve", action="store_true", help="prepare everything but do not start the server")
    p.add_argument("--scale", choices=SCALES, default="demo", help=SCALE_HELP)

    p = add("serve", cmd_serve, "serve the web app and API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument(
        "--prod", action="store_true", help="run under gunicorn (production settings are enforced)"
    )

    p = add("worker", cmd_worker, "run the background task worker (and report its heartbeat)")
    p.add_argument("--batch", action="store_true", help="process waiting tasks and exit")

    p = add("seed", cmd_seed, "seed a deterministic synthetic force (idempotent)")
    p.add_argument("--scale", choices=SCALES, default="demo", help=SCALE_HELP)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--quiet", action="store_true", help="no progress bars")

    p = add("sweep", cmd_sweep, "run the nightly checks (idempotent)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--date", type=date.fromisoformat, help="evaluate as of this date (YYYY-MM-DD); default today"
    )

    _add_calc(sub, rules=argv is None or argv[:1] == ["calc"])

    p = add("createuser", cmd_createuser, "create an account")
    p.add_argument("username")
    p.add_argument("--role", action="append", required=True, help="a role; repeat for several")
    p.add_argument(
        "--team", help="staff number of the person this account belongs to (links workforce record)"
    )
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    token = sub.add_parser("token", help="API tokens")
    tsub = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    p = tsub.add_parser("create", help="create a token for USERNAME and print it once")
    p.add_argument("username")
    p.add_argument("--scope", choices=["read", "write"], default="read")
    p.add_argument(
        "--expires", type=int, default=None, metavar="DAYS", help="days until it expires (policy default)"
    )
    p.add_argument("--name", default="cli")
    p.set_defaults(handler=cmd_token_create)
    p = tsub.add_parser("revoke", help="revoke a token by its prefix")
    p.add_argument("prefix")
    p.set_defaults(handler=cmd_token_revoke)

    p = add(
        "otp", cmd_otp, "print the current two-factor code of a demo/dev account (refused when DEBUG is off)"
    )
    p.add_argument("username")

    p = add("manage", cmd_manage, "pass through to Django's management commands")
    p.add_argument("rest", nargs=argparse.REMAINDER)

    _register_domain_commands(sub)
    return parser


def _register_domain_commands(sub: argparse._SubParsersAction) -> None:
    """Domain apps add their own commands (`custos triage`, `custos allocate`…) from `<app>/cli.py`."""
    from custos.core.domains import DOMAIN_APPS, optional_module

    for app in DOMAIN_APPS:
        # triage keeps its Django-side commands (lab_cli) apart from the offline scanner's (cli)
        for name in ("cli", "lab_cli"):
            module = optional_module(app, name)
            if module is not None:
                module.register(sub)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv[:1] == ["manage"]:
            # Everything after `manage` belongs to Django, including --help.
            return cmd_manage(argparse.Namespace(rest=argv[1:]))
        args = build_parser(argv).parse_args(argv)
        return int(args.handler(args) or 0)
    except UserError as exc:
        print(f"custos: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("custos: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        from custos.core.runtime_errors import explain

        message = explain(exc)
        if message is None:
            raise
        print(f"custos: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
