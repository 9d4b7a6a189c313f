"""Ventral's science library: models, activations, BrainIO data, metrics and benchmarks.

Pure Python + torch/numpy/scikit-learn/xarray. Nothing here imports a web framework, a
task queue or a database driver, so the same code runs in the service, in a worker and in
a researcher's notebook.
"""
