"""The staffing plan workbook and the plain table sheets, written with XlsxWriter."""
