"""Read a response as the browser would: check its status first, then parse its HTML.

Tests assert on the parsed document (BeautifulSoup, with Python's own html.parser), not on
raw snippets of markup, so that attribute order, quoting and whitespace do not matter.
"""

from bs4 import BeautifulSoup


def parse(response, status=200):
    """The response's HTML document, once its status code is the expected one."""
    assert response.status_code == status, (response.status_code, response.get("Location"))
    return BeautifulSoup(response.content, "html.parser")


def hrefs(document, selector="a[href]"):
    """The href of every element the CSS selector matches, in document order."""
    return [element["href"] for element in document.select(selector)]
