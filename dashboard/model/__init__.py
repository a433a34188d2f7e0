"""The Model & validation page: its script (``page.py``), its fixed texts (diagram, equations, commands) and
the figure of the model against published values."""
