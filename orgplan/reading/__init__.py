"""Reading input files into the model: a team from a workbook or CSV, and a list of companies."""
