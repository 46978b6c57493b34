import re

LINK = re.compile(r"https?://[^\s<>\"]+/(confirm|manage|unsubscribe)/([^/\s]+)/")


def link_in(message, kind):
    """The path of the first `kind` link in an email's plain text."""
    for match in LINK.finditer(message.body if hasattr(message, "body") else message):
        if match.group(1) == kind:
            return match.group(0).split("://", 1)[1].split("/", 1)[1].join(["/", ""])
    raise AssertionError(f"no {kind} link in the email")
