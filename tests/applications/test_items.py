"""The deficiency/problem item type: one way to build and read `doc:`/`field:` items, and
stored text (deficiencies JSON written before the type existed) still reads."""

from __future__ import annotations

import json

import pytest

from paksemmok.applications.items import APPLICATION_ITEM, SUBJECT_ITEM, Item, field_codes
from paksemmok.applications.models import Application


def test_items_read_and_write_the_stored_text():
    assert Item.doc("kk") == "doc:kk" and str(Item.field("child_name")) == "field:child_name"
    item = Item.parse("field:child_name")
    assert (item.kind, item.code, item.is_field, item.is_doc) == (
        "field",
        "child_name",
        True,
        False,
    )
    assert (Item.parse("doc:kk").kind, Item.parse("doc:kk").code) == ("doc", "kk")
    assert (SUBJECT_ITEM.kind, SUBJECT_ITEM.code) == ("subject", "")
    assert APPLICATION_ITEM == "application" and not APPLICATION_ITEM.is_doc
    # "doc:" with no code names no slot.
    assert not Item.parse("doc:").is_doc and Item.parse(None) == ""
    assert json.loads(json.dumps({"item": Item.doc("kk")})) == {"item": "doc:kk"}
    assert {Item.doc("kk"): 1}["doc:kk"] == 1


def test_stored_deficiencies_read_as_items():
    app = Application(
        deficiencies=[
            {"item": "doc:kk", "reason": "buram", "note": ""},
            {"item": "field:child_name", "reason": "salah", "note": ""},
            {"item": "application", "reason": "lain", "note": ""},
        ]
    )
    items = app.deficient_items()
    assert items == {"doc:kk", "field:child_name", "application"}
    assert all(isinstance(i, Item) for i in items)
    assert field_codes(items) == {"child_name"}
    assert {i.code for i in items if i.is_doc} == {"kk"}


@pytest.mark.parametrize("text", ["doc:kk", "field:x", "subject", "application", "weird"])
def test_parse_round_trips(text):
    assert str(Item.parse(text)) == text
