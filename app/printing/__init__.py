"""Printed forms: PDF documents laid out after Nghị định 30/2020, Phụ lục I.

Built with reportlab on the bundled Liberation Serif (Times New Roman
metrics, complete Vietnamese), embedded in every file. Printed forms are
always Vietnamese: their wording is literal here, not in the catalogue.
The public operations live in :mod:`app.printing.documents`.
"""
