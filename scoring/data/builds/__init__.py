"""Every data build; importing this package registers them (one module per build)."""
