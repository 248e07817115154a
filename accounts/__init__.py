"""Accounts: users and their roles, login with a second factor, password
reset, invitations, a user's access to a company, who may open a view."""
