"""Thin wire handlers: parse query and body, call the model, shape the answer."""
