"""The plan's checks for suspicious values, edited: the factors against the
registration and last year, members against workers, and the most per worker for
each unit of measure. What is saved is checked by :func:`app.plans.save_value_checks`."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from app.plans import Ratio, ValueChecks

from ui.widgets.dialogs import translate_buttons
from ui.widgets.screen_fit import fit_to_screen

#: The largest minimum a check may ask for (a count or an amount of money).
MAX_MINIMUM = 10**9


class _RatioRow(QWidget):
    """One "factor × another value" check: on or off, its factor, its minimum."""

    def __init__(self, ratio: Ratio, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enabled = QCheckBox(_("On"))
        self.enabled.setObjectName(f"{name}-on")
        self.factor = QDoubleSpinBox()
        self.factor.setObjectName(f"{name}-factor")
        self.factor.setDecimals(2)
        self.factor.setRange(1.01, 1000)
        self.factor.setSingleStep(0.5)
        self.minimum = QSpinBox()
        self.minimum.setObjectName(f"{name}-minimum")
        self.minimum.setRange(0, MAX_MINIMUM)
        self.minimum.setGroupSeparatorShown(True)
        self.enabled.setChecked(ratio.factor is not None)
        self.factor.setValue(float(ratio.factor) if ratio.factor is not None else 3.0)
        self.minimum.setValue(min(ratio.minimum, MAX_MINIMUM))
        self.enabled.toggled.connect(self.factor.setEnabled)
        self.enabled.toggled.connect(self.minimum.setEnabled)
        self.factor.setEnabled(self.enabled.isChecked())
        self.minimum.setEnabled(self.enabled.isChecked())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.enabled)
        layout.addWidget(QLabel(_("factor")))
        layout.addWidget(self.factor)
        layout.addWidget(QLabel(_("when the value compared is at least")))
        layout.addWidget(self.minimum, 1)

    def value(self) -> dict[str, Any]:
        factor = format(Decimal(str(self.factor.value())).normalize(), "f")
        return {
            "factor": factor if self.enabled.isChecked() else None,
            "minimum": self.minimum.value(),
        }


def per_worker_text(checks: ValueChecks) -> str:
    """``người = 1; đoàn viên = 1`` (how the field shows the limits)."""

    def number(value: Fraction) -> str:
        return str(Decimal(value.numerator) / Decimal(value.denominator)).replace(".", ",")

    return "; ".join(f"{unit} = {number(limit)}" for unit, limit in checks.per_worker)


def per_worker_data(text: str) -> dict[str, str]:
    """The limits typed as ``unit = number; …`` (checked when saved)."""
    limits: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        unit, _sep, limit = part.partition("=")
        limits[unit.strip()] = limit.strip().replace(",", ".")
    return limits


class ValueChecksDialog(QDialog):
    """Edit the plan's thresholds; :meth:`data` is what to save."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-plan"

    def __init__(self, checks: ValueChecks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("value-checks")
        self.setWindowTitle(_("Checks for suspicious values"))
        intro = QLabel(
            _(
                "A value that fails a check is flagged on import (and merged all the same); "
                "staff see it under Suspicious values."
            )
        )
        intro.setWordWrap(True)
        self.registration = _RatioRow(checks.registration, "registration", self)
        self.year_on_year = _RatioRow(checks.year_on_year, "year-on-year", self)
        self.members_over_workers = QCheckBox(_("Flag a unit with more members than workers"))
        self.members_over_workers.setObjectName("members-over-workers")
        self.members_over_workers.setChecked(checks.members_over_workers)
        self.per_worker = QLineEdit(per_worker_text(checks))
        self.per_worker.setObjectName("per-worker")
        self.per_worker.setPlaceholderText(_("unit of measure = most per worker; …"))
        box = QGroupBox(_("Thresholds"))
        form = QFormLayout(box)
        form.addRow(_("Result against the registration:"), self.registration)
        form.addRow(_("Against last year's value:"), self.year_on_year)
        form.addRow(self.members_over_workers)
        form.addRow(_("Most per worker:"), self.per_worker)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        translate_buttons(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(box)
        layout.addWidget(buttons)
        fit_to_screen(self, 760, self.sizeHint().height())

    def data(self) -> dict[str, Any]:
        return {
            "registration": self.registration.value(),
            "members_over_workers": self.members_over_workers.isChecked(),
            "per_worker": per_worker_data(self.per_worker.text()),
            "year_on_year": self.year_on_year.value(),
        }


__all__ = ["ValueChecksDialog", "per_worker_data", "per_worker_text"]
