"""Page 'consistentie' (being built: replaced by its issue's work)."""

import streamlit as st

from workbench.app.common import tr

st.title(tr("page.consistentie"))
st.info(tr("page.placeholder"))
