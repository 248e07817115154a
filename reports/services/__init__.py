"""Writes and side effects of the reports' domain, one module per concern.
Status changes are lifecycle.py's alone."""
