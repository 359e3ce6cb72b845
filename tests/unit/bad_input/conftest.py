"""The bad-input tests of the import share one demo province (built once for the folder,
as it was for the one module they began in)."""

from __future__ import annotations

import pytest

from tests.unit.package_forge import Province, build_province


@pytest.fixture(scope="package")
def province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    return build_province(tmp_path_factory)
