"""The trainer's tools: the ``aci-tutorial`` command and what it runs.

``cli`` (the command line: ``aci-tutorial`` or ``python -m aci_helpers.trainer``),
``preflight`` (will this machine and subscription work?) with ``out`` (its plain-text
lines and tables), ``workshop`` (setup, status, cleanup and plan of a workshop, by tags)
and ``release`` (participant copies of the notebooks without solutions). Learners never
import these; the notebooks' API is the top of :mod:`aci_helpers`.
"""
