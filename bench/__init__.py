"""Benchmarks for Dars, outside the installed apps: `python -m bench <name> [options]`.

Each module holds a Django management-style `Command` (so it has the same options, output and
error handling as a management command) and is run with Django set up from `dars.settings`:

* `python -m bench throughput` — throughput of every practice endpoint at saturation, against
  baselines in the same server and run (wrk; README, Benchmarks);
* `python -m bench profile` — where each endpoint's time goes (SQL vs Python), in-process;
* `python -m bench explain_queries` — EXPLAIN of every query of the student flow;
* `python -m bench import_ --problems 20000` — the import paths against a raw bulk_create;
* `python -m bench hostile_imports` — the admin import against hostile spreadsheets.
"""
