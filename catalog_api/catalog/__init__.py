"""The application layer: commands change the catalog, queries read it. All SQL lives here."""
