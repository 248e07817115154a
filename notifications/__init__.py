"""The outbox: every email as a row written with its action, sent after
commit and retried; the emails' base class and registry. It knows no domain."""
