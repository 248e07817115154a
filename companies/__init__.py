"""Companies: the SIRENE register, identifiers and search, websites,
activation codes. It knows no user and no report."""
