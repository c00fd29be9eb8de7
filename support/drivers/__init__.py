"""Domain drivers: one per capability, they own every HTTP call the scenarios make."""
