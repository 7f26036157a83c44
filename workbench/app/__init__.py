"""The Streamlit layer: pages that call the package. No SQL or NLP in here."""
