"""The acceptance suite's harness: targets, drivers, checkers, builders and report evidence."""
