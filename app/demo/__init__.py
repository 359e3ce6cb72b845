"""Synthetic provinces and a synthetic country, for tests, benchmarks and training."""

from app.demo.national import NATIONAL_GRASSROOTS, NATIONAL_PACKAGES, make_national_demo
from app.demo.province import make_demo

__all__ = ["NATIONAL_GRASSROOTS", "NATIONAL_PACKAGES", "make_demo", "make_national_demo"]
