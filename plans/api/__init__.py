"""REST API for treatment plans, their problems/goals/objectives/interventions, progress,
reviews, safety plans and aftercare plans."""
