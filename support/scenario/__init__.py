"""The people of a scenario (its merchants) and the mistakes they can make, built from drivers."""
