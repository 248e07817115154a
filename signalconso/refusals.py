"""The one shape of a refusal: an action that cannot be done as asked, for a
reason its user can read and act on.

`message` says why and what to do next, in the user's language; `field` names
the form field (or the wizard's step) it belongs to, None for the whole page;
a kind of refusal may name the field its refusals usually belong to.
Each domain names its own kind (`ReportRefused`, `IllegalTransition`…) so that
a view catches only what it knows how to show.
"""


class Refused(Exception):
    default_field: str | None = None

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field or self.default_field
