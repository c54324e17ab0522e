"""Pure calculations: activity frames -> inventory lines -> Scope 2, offsets, balance, result."""
