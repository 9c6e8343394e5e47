"""Streamlit helpers: strings, URL state, caching, formatting, charts and footers shared by the pages."""

# Plotly config for every chart: no Plotly logo link, and nothing that reaches outside the machine.
PLOTLY_CONFIG = {"displaylogo": False, "showLink": False, "toImageButtonOptions": {"scale": 2}}
