"""``thidua-cli demo``: a synthetic province, or the whole country (``--national``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.common import AddCommand, emit
from app.core.errors import N_, UserError
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext


def cmd_demo(ctx: AppContext | None, args: argparse.Namespace, out: TextIO) -> int:
    if args.national:
        return _national_demo(args, out)
    if args.packages is not None:
        raise UserError(N_("--packages is for the national demo (--national)."))
    from app.demo import make_demo

    units = 200 if args.units is None else args.units
    if units < 1:
        raise UserError(N_("The number of units must be at least 1."))
    demo = make_demo(out_dir=Path(args.out), units=units, seed=args.seed)
    if args.json:
        emit(
            out,
            {
                "database": str(demo.database),
                "packages": str(demo.packages_dir),
                "units": len(demo.units),
                "files": len(demo.files),
            },
        )
    else:
        out.write(
            _(
                "Demo province: {units} units, {files} packages in {folder}; "
                "federation database {database}."
            ).format(
                units=len(demo.units),
                files=len(demo.files),
                folder=demo.packages_dir,
                database=demo.database,
            )
            + "\n"
        )
    return 0


def _national_demo(args: argparse.Namespace, out: TextIO) -> int:
    from app.demo import NATIONAL_GRASSROOTS, NATIONAL_PACKAGES, make_national_demo

    grassroots = NATIONAL_GRASSROOTS if args.units is None else args.units
    packages = NATIONAL_PACKAGES if args.packages is None else args.packages
    if grassroots < 1:
        raise UserError(N_("The number of units must be at least 1."))
    if packages < 0:
        raise UserError(N_("The number of packages cannot be negative."))
    folder = Path(args.out)
    if (folder / "federation.db").exists():
        raise UserError(
            N_("{path} already exists; choose an empty folder."),
            params={"path": str(folder / "federation.db")},
        )
    demo = make_national_demo(
        out_dir=folder, grassroots=grassroots, packages=packages, seed=args.seed
    )
    if args.json:
        emit(
            out,
            {
                "database": demo.database,
                "packages": str(demo.packages_dir),
                "provinces": len(demo.provinces),
                "units": len(demo.units),
                "grassroots": grassroots,
                "clusters": len(demo.clusters),
                "files": len(demo.files),
            },
        )
    else:
        out.write(
            _(
                "National demo: {provinces} provincial federations, {units} units "
                "({grassroots} grassroots unions), {clusters} clusters; {files} packages "
                "from a sample of units in {folder}; federation database {database}."
            ).format(
                provinces=len(demo.provinces),
                units=len(demo.units),
                grassroots=grassroots,
                clusters=len(demo.clusters),
                files=len(demo.files),
                folder=demo.packages_dir,
                database=demo.database,
            )
            + "\n"
        )
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``demo``."""
    demo = add(commands, "demo", cmd_demo, _("make a synthetic province"), needs_db=False)
    demo.add_argument(
        "--units",
        type=int,
        help=_(
            "units of the province (default 200); with --national, grassroots unions "
            "(default 125,000)"
        ),
    )
    demo.add_argument("--out", required=True, help=_("folder for the database and packages"))
    demo.add_argument("--seed", type=int, default=2017, help=_("seed of the random values"))
    demo.add_argument(
        "--national",
        action="store_true",
        help=_("the whole country: 63 provincial federations under the national federation"),
    )
    demo.add_argument(
        "--packages",
        type=int,
        help=_(
            "with --national: how many packages to write, from a sample of units (default 20,000)"
        ),
    )
