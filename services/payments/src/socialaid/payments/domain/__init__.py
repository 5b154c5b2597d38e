"""Pure payment rules: month arithmetic, who is payable in a month, control totals."""
