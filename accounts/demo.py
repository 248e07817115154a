"""The demo data's fixed values, importable without Django (`make otp`)."""

# The demo agent's and administrator's authenticator key: add it to any TOTP
# app, or run `make otp` for the current code. Demo accounts exist only where
# DEMO_DATA_ALLOWED is on.
DEMO_TOTP_SECRET = "SIGNALCONSODEMOAGENTSECRETKEY234"
