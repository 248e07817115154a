"""The companies' space under /pro/: reading and answering reports,
engagements and figures, the company's users and invitations, activation."""
