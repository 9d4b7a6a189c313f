"""The first run: a fresh installation scores and trains its reference models by itself."""
