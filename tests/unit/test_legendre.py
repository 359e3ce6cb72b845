"""The Legendre symbol agrees with Euler's criterion (the check it replaced)."""

from __future__ import annotations

import random

from app.exchange.legendre import legendre

P = 2**255 - 19


def _euler(a: int, p: int) -> int:
    value = pow(a, (p - 1) // 2, p)
    return -1 if value == p - 1 else value


def test_agrees_with_euler_on_curve_sized_numbers() -> None:
    rng = random.Random(20)
    numbers = [0, 1, 2, P - 1, P, P + 1, 2 * P, 486662, 121665]
    numbers += [rng.randrange(P) for _ in range(400)]
    numbers += [rng.randrange(P) ** 2 % P for _ in range(100)]  # squares
    for a in numbers:
        assert legendre(a, P) == _euler(a % P, P), a


def test_small_primes_against_the_squares_themselves() -> None:
    for p in (3, 5, 7, 11, 13, 17, 19, 23, 101, 65537):
        squares = {x * x % p for x in range(1, p)}
        for a in range(-p, 2 * p):
            expected = 0 if a % p == 0 else (1 if a % p in squares else -1)
            assert legendre(a, p) == expected, (a, p)
