"""Files sent with reports: their content checks, the antivirus, storage
and the only way to download them."""
