"""The editable knowledge in ``templates/``: role catalog, rule pack, benchmarks, reasons, expressions."""
