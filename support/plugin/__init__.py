"""The suite's pytest plugin: options, the run's target, guards, fixtures and Gherkin tags."""
