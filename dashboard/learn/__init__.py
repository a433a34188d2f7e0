"""The Learn page: its script (``page.py``), its six topics as data (``content.py``) and what a topic is made of
(``topic.py``)."""
