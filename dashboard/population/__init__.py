"""The Population page: its script (``page.py``), URL settings, scenarios, cached population runs, its three
parts (spread, covariates, dose equivalence) and their figures."""
