"""Files in: each vendor's export read into canonical rows (`readers` for CSV and Excel,
`codes` and `common` for the values vendors spell many ways, one adapter per source), checked
row by row with every reject naming file, row, column and reason, then `load` applies a batch
in one transaction and rebuilds the lattice; `health` says what each load and source gave."""
