"""The Legendre symbol modulo a prime, by the binary Jacobi-symbol algorithm.

:func:`app.exchange.signing.check_public_key` asks whether a number is a
square modulo 2**255 - 19 for every key an import loads. Euler's criterion
(``pow(a, (p - 1) // 2, p)``) is a 255-bit modular exponentiation; this
algorithm needs only shifts and remainders and answers the same ~3× faster.
"""

from __future__ import annotations


def legendre(a: int, p: int) -> int:
    """1 if ``a`` is a non-zero square modulo the odd prime ``p``, -1 if not, 0 if p | a."""
    a %= p
    n = p
    result = 1
    while a:
        while not a & 1:
            a >>= 1
            if n & 7 in (3, 5):  # (2/n) = -1 when n ≡ ±3 (mod 8)
                result = -result
        a, n = n, a  # quadratic reciprocity: the sign flips when both are ≡ 3 (mod 4)
        if a & 3 == 3 and n & 3 == 3:
            result = -result
        a %= n
    return result if n == 1 else 0


__all__ = ["legendre"]
