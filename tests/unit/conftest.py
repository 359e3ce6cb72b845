"""Fixtures shared by the hostile-input tests: a small demo province (built once per
module) and, per test, a fresh copy of its federation database on each backend.
They are defined with the import's bad-input tests, where they began."""

from tests.unit.test_import_bad_input import env, province

__all__ = ["env", "province"]
