"""The database down: a 503 a person can read (JSON under /api/), with Retry-After, never a
500 with a traceback."""

from iop.health import RETRY_AFTER_SECONDS


def test_a_page_answers_503_with_a_page_that_says_what_to_do(client, database_down):
    response = client.get("/today/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "temporarily unavailable" in html
    assert "Traceback" not in html


def test_a_save_answers_503_too(client, database_down):
    response = client.post("/sessions/new/", {"kind": "individual"})
    assert response.status_code == 503


def test_the_api_answers_503_in_json(client, database_down):
    response = client.get("/api/v1/patients/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json() == {
        "detail": "The database is unavailable right now; try again in a minute."
    }


def test_pages_are_served_again_once_the_database_is_back(client, database_down):
    assert client.get("/accounts/login/").status_code == 503
    database_back = database_down
    database_back()
    assert client.get("/accounts/login/").status_code == 200
