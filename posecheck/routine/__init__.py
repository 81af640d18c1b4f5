"""Routines: a guided session of several exercises (sets, rests, breathing, safety), built on `Session`."""
