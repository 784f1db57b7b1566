"""Query parameters naming a row read safely: an id beyond the database's range is no 500."""

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/intake/?program=99999999999999999999999",
        "/patients/?program=99999999999999999999999",
        "/schedule/?clinician=99999999999999999999999",
    ],
)
def test_an_id_beyond_the_databases_range_is_no_error(client, supervisor, url):
    client.force_login(supervisor)

    assert client.get(url).status_code in (200, 404)
