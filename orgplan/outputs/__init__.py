"""What a plan becomes for a reader: text, job descriptions, charts and the staffing workbook."""
