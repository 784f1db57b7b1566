# Models arrive with their issue (TherapySession and friends); see DESIGN.md, "sessions".
