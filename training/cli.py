"""Dataclass config <-> command line: every field is a flag, its comment is the help, unknown
flags are rejected (argparse does that), defaults are printed by --help."""
from __future__ import annotations

import argparse
import ast
import dataclasses
import inspect
import pickle
import re
import sys
import zipfile
from typing import Any, Callable

# Errors a user can cause with a bad flag or file: one line on stderr and exit status 2, never a
# traceback (DataError is a ValueError; torch.load raises UnpicklingError/RuntimeError/zipfile
# errors on a file that is not a checkpoint).
USER_ERRORS = (ValueError, FileNotFoundError, IsADirectoryError, PermissionError, pickle.UnpicklingError,
               zipfile.BadZipFile, EOFError)


def field_docs(cls) -> dict[str, str]:
    """The trailing `# comment` of each field in the class source."""
    docs = {}
    for line in inspect.getsource(cls).splitlines():
        m = re.match(r"\s+(\w+)\s*:[^=]+=.*?#\s*(.*)$", line)
        if m:
            docs[m.group(1)] = m.group(2)
    return docs


def parse_into(cls, argv=None, description: str = "") -> Any:
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    docs = field_docs(cls)
    for f in dataclasses.fields(cls):
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        flag = "--" + f.name.replace("_", "-")
        if isinstance(default, bool):
            parser.add_argument(flag, default=default, action=argparse.BooleanOptionalAction,
                                help=docs.get(f.name, ""))
        elif isinstance(default, (tuple, list)):
            parser.add_argument(flag, default=default, type=ast.literal_eval,
                                help=docs.get(f.name, "") + " (a Python literal, e.g. '(0.1, 0.2)')")
        else:
            parser.add_argument(flag, default=default, type=type(default), help=docs.get(f.name, ""))
    args = parser.parse_args(argv)
    return cls(**{k: v for k, v in vars(args).items()})


def run_cli(main: Callable[[], Any]) -> None:
    """Run a command-line entry point; a user error prints `error: <message>` and exits 2."""
    try:
        main()
    except USER_ERRORS as err:
        message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
