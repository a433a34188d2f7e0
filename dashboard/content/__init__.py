"""Teaching text as data (no Streamlit): pages render it, tests check it (facts present, links valid)."""
