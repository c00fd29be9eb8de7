"""Running the target: which one (config), starting it (embedded servers, the in-process service)
and checking that it answers; the provider credentials it is given; undoing a scenario's changes."""
