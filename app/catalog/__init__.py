"""The catalogue: model and benchmark pages and their API, score rows, side-by-side comparison,
and who may see which model (``visibility``)."""
