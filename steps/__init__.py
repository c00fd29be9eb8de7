"""Step definitions: each Gherkin line bound to one driver operation or one checker."""
