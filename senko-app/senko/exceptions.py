"""Domain errors: what went wrong, in Senko's terms, raised below the HTTP edge.

Services, the pipeline, the registry and the CLI raise these; ``senko.errors`` maps each class to
an HTTP status in one table, the CLI turns them into a ``click.ClickException``, and Celery tasks
catch them to decide between retrying, failing an item and giving up. Nothing here knows HTTP.
"""


class SenkoError(Exception):
    """Base of every domain error; ``message`` is meant for the person who caused it.

    ``code`` is the stable word programs read (``{"code": ...}`` in the API's error JSON); None means
    the word of the error's HTTP status (``senko.errors.CODE_OF_STATUS``).
    """

    code: str | None = None

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Malformed(SenkoError):
    """The request itself is unusable (a required part is missing, a value is absurd)."""


class NotFound(SenkoError):
    """The thing asked for does not exist (or no longer does)."""


class Conflict(SenkoError):
    """The request clashes with the current state (duplicate, not enough data, illegal transition)."""


class IllegalTransition(Conflict):
    """An applicant cannot move from its current status to the one asked for."""

    code = "illegal_transition"


class CardNotAcknowledged(Conflict):
    """A model that was never in service is activated before an admin acknowledged its model card."""

    code = "card_not_acknowledged"


class Invalid(SenkoError):
    """The content is understood but not acceptable (a bad value, an unusable model file)."""


class TooLarge(SenkoError):
    """The content is larger than Senko accepts."""


class Unsupported(SenkoError):
    """The content is of a type Senko does not handle (e.g. not a PDF)."""


class Unavailable(SenkoError):
    """A service Senko depends on (task queue, senko-predict) cannot answer right now: try again later."""
