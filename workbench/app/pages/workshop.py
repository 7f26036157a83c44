"""Page 'workshop' (being built: replaced by its issue's work)."""

import streamlit as st

from workbench.app.common import tr

st.title(tr("page.workshop"))
st.info(tr("page.placeholder"))
