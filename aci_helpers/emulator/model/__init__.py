"""Domain model of the emulated cloud (no HTTP here)."""
