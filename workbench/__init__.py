"""Workbench for coding Dutch interview transcripts about loneliness and social isolation.

The package is the product; the Streamlit app (``streamlit_app.py``) and the command line
(``workbench``) are thin layers over its modules.
"""

__version__ = "0.1.0"
