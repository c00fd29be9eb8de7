"""HTTP routers, one per domain, and the request dependencies they share."""
