"""The bottom of the house: words and periods, which every layer may import and which import nothing of ours.

* `common.text` — every string the product shows or writes (``common/strings/*.yaml``), rendered by key and
  language; `Text` for a value that differs by language, `Message` for a fact a library returns to be put into words.
* `common.periods` — canonical period labels (``2023``, ``2023Q1``, ``2023-03``), the liberal parser uploads need, and
  the one display form per language (``2025年第4季度`` / ``2025 Q4``).
"""
