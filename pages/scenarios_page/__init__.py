"""The Scenarios page: `page.py` is the story; its Streamlit helpers (forms, files, state) and views sit beside it."""
