"""What a page costs in SQL queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url):
    """The number of queries a GET of `url` runs, once it answered 200."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)
