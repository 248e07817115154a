"""The consumer's side: the wizard's steps, email verification, the follow-up
pages after sending, the signed links and the receipt, the emails consumers get."""
