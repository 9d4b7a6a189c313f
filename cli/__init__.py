"""The ``ventral`` command line: the composition root above the web, the worker and the library."""
