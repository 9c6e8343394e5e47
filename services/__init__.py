"""Public-service case logs — 12345 hotline, 一网通办 and 好差评 — read into one canonical case table and turned into
indicators, league tables, hot topics and surge warnings. A library: no Streamlit here."""
