"""BrainIO data: stimulus sets (CSV + ZIP of images) and assemblies (netCDF)."""
