"""Plots: the data behind each chart (the paper's Figures 1–5 and any benchmark against any
other), computed from the database through the leaderboard service, drawn with Vega-Lite."""
