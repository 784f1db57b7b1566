from io import BytesIO

from pypdf import PdfReader

from patients.part2 import REDISCLOSURE_NOTICE

NOTICE = " ".join(REDISCLOSURE_NOTICE.split())


def pdf_pages(data):
    """Each page's text, its whitespace collapsed (wrapped lines joined)."""
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(BytesIO(data)).pages]


def pdf_text(data):
    return " ".join(pdf_pages(data))


def download(client, url):
    """(response, page texts) of a PDF download that must succeed."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return response, pdf_pages(response.content)
