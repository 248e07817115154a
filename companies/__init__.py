"""Companies: the SIRENE register, identification and search, websites,
activation codes and letters, professionals' access."""
