"""User accounts: the user model and its roles, login, password reset, invitations."""
