"""Charts drawn with matplotlib: the org chart (layout, pages, style, text) and the roadmap."""
