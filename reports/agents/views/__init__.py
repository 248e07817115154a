"""The agents' pages, one module per subject."""
