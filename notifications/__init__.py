"""Outgoing email through an outbox, its templates, agents' subscriptions and digests."""
