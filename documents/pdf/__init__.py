"""The PDFs of the record: each module gathers one kind of document from the database and
lays it out in the frame of `documents.pdf.frame` (`iop.pdf`)."""
