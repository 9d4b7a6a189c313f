"""Chart specs embedded in ``<script type="application/json">`` cannot end or bend the block."""

from __future__ import annotations

import json

from app.plots.charts import spec_json


def test_markup_in_a_spec_is_escaped_and_reads_back_the_same():
    spec = {"title": "</script><script>alert(1)</script><!--<script>", "x": "a & b > c"}
    text = spec_json(spec)
    assert text is not None
    assert not {"<", ">", "&"} & set(text)
    assert json.loads(text) == spec
    assert spec_json(None) is None
