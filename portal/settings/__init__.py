"""Settings split by environment: base, dev, test, production (all read the environment)."""
