"""python -m bench <name> [options]: run one benchmark (see bench/__init__.py)."""

from __future__ import annotations

import importlib
import os
import sys


def main(argv: list[str]) -> None:
    names = (
        "throughput",
        "profile",
        "explain_queries",
        "import_",
        "hostile_imports",
        "analytics",
    )
    if len(argv) < 2 or argv[1] not in names:
        sys.stderr.write(f"usage: python -m bench {{{','.join(names)}}} [options] [--help]\n")
        raise SystemExit(2)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dars.settings")
    import django

    django.setup()
    module = importlib.import_module(f"bench.{argv[1]}")
    module.Command().run_from_argv(["python -m bench", *argv[1:]])


if __name__ == "__main__":
    main(sys.argv)
