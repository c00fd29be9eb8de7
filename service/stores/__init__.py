"""Domain SQL, one module per domain, always run through the tenant-scoped Database."""
