"""REST API for patients, episodes, intake assessments, measures, consents and alerts."""
