"""The Withdrawal & tapering page: its script (``page.py``), URL settings, scenarios (how each ending is
simulated), the words that explain a run, and its figures."""
