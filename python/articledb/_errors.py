"""The exceptions articledb raises, one per kind of failure of the library (its Status)."""

import builtins


class Error(Exception):
    """Any failure reported by ArticleDB; the message is the library's."""


class NotFound(Error, KeyError):
    """The article, archive or file asked for does not exist."""

    def __str__(self):  # KeyError would quote the message
        return Exception.__str__(self)


class InvalidArgument(Error, ValueError):
    """Bad input: an article, a query, a cursor, an option. Nothing was stored."""


class Corruption(Error):
    """Stored or dumped data failed a check; nothing was guessed."""


class IOError(Error, builtins.OSError):  # noqa: A001 - the library's name for it
    """The file system failed (full disk, permissions, ...)."""


class Busy(Error):
    """The archive is locked by another process, or being reindexed."""


class NotSupported(Error):
    """The call cannot be done here, e.g. a write to an archive opened read-only."""


class Aborted(Error):
    """Stopped on request: a progress callback returned False."""
