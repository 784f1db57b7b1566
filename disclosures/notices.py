"""The words every packet carries."""

# One text for the screen, printouts and packets (patients.part2).
from patients.part2 import REDISCLOSURE_NOTICE  # noqa: F401

# What a recorded release without a consent says instead of the consent's scope.
OWN_COPY_STATEMENT = (
    "The patient's own copy, released at their request under their right of access: "
    "no consent is required. Recorded in the accounting of disclosures."
)

NON_PART2_NOTICE = "Confidential health information: do not redisclose except as the law allows."
