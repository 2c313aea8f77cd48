"""The official one-stop forms (Circular 03/2025/TT-VPCP, forms 01-07) as PDF and Excel.

A pure rendering library: callers (the dossier app) fill the dataclasses of ``data.py`` and call

- ``pdf.receipt_slip`` (01), ``pdf.supplement_request`` (02), ``pdf.refusal_slip`` (03),
  ``pdf.apology_slip`` (04), ``pdf.stop_notice`` (05), ``pdf.control_slip`` (06),
  ``pdf.register`` (07), each returning a ``SlipResult`` (the PDF and a text transcript);
- ``excel.control_slip_xlsx`` (06) and ``excel.register_xlsx`` (07), returning .xlsx bytes.

The wording, the form numbers and the date formats are in ``texts.py`` (one dict a province
can override). The fonts ship in ``fonts/`` (DejaVu Sans, which covers Vietnamese).
"""
