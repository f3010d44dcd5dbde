"""The filing service's domain: forms, lifecycle rules and supervision, with no I/O."""
