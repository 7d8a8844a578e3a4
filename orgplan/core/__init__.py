"""The ground every layer stands on: input checks, orgplan's limits, safe reading and whole writing of files."""
