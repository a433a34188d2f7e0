"""The Pump & titration page: its script (``page.py``), one module per section, its URL settings, its scenarios
and its figures.  Only ``page.py`` is a Streamlit page; the other modules are imported by it."""
