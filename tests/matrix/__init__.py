"""Machinery shared by the template's tests: the option space, baking, checks, services, tier 2."""
