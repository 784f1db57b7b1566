"""Reading change over time (CLINICAL.md): caseness and reliable change of the outcome measures.

One home for the thresholds the discharge summary and the outcome reports both apply."""

# The measures whose change over time is read: caseness at intake, reliable change, recovery.
OUTCOME_INSTRUMENTS = ("PHQ9", "GAD7", "PCL5")

# Caseness: a total at or above this. PCL-5's is the program's own cut-off
# (`Program.pcl5_cutoff`, 33 by default), so it is not listed here.
CASENESS = {"PHQ9": 10, "GAD7": 8}

# Reliable change: a fall (improvement) or a rise (deterioration) of at least this much.
RELIABLE_CHANGE = {"PHQ9": 6, "GAD7": 4, "PCL5": 10}
