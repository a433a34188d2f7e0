"""The live class poll's data layer ("predict, then reveal" with the whole room): join codes and the
instructor secret (:mod:`.codes`), parsing typed answers (:mod:`.answers`), the room's summary
(:mod:`.summary`) and the store of sessions and anonymous answers in SQLite or PostgreSQL (:mod:`.store`).

Pure Python: no Streamlit, no Plotly (the Lecture page draws what these return).
"""
