"""The safe expression language of rule conditions and seat counts: parsed, typed and compiled once."""
