"""Building test data: merchants and their details (faker, seeded per scenario), tokens."""
