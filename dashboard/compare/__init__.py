"""The Compare routes page (home): its script (``page.py``), URL settings, scenarios and the linked time-course
figure, which the Lecture scenes and opened scenario files also draw."""
