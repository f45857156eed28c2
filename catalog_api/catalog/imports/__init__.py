"""Import and export of catalog records in spreadsheet templates (XLSX, CSV, JSON Lines).

`templates` says which columns each kind has; `readers` turns a file into raw rows; `cells`
normalises and checks cell values; `importer` plans each row (create / change / unchanged /
reject) and applies it through the same commands an editor's mutation uses; `export` writes the
catalog back out in the same templates. See docs/import.md.
"""
