"""Many plans at once: batches of companies, a portfolio side by side, and the sensitivity of one plan."""
