"""Every write of the billing app: validated, atomic, audited (see each module)."""
