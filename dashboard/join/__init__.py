"""The class poll's page for students' phones (``page.py``): the current scene's question, one answer box,
then the model's answer at the reveal; it follows the instructor's screen by itself."""
