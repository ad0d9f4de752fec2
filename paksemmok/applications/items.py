"""The part of an application that a problem or a deficiency names.

Written as text everywhere it leaves Python: `doc:<requirement code>`, `field:<field code>`,
`subject` (the person applied for) or `application` (the whole). That text is what the
deficiencies JSON stores, what the API returns and what forms post, so `Item` is a `str`: an
item compares equal to the stored text, serialises as it and works as a dict key beside it,
and stored data needs no migration. Build items with `Item.doc` / `Item.field`, read one with
`Item.parse`; nothing else formats or splits the text.
"""

from __future__ import annotations

DOC = "doc"
FIELD = "field"
SUBJECT = "subject"
APPLICATION = "application"


class Item(str):
    __slots__ = ()

    @classmethod
    def doc(cls, code: str) -> Item:
        """An upload slot: the requirement with this code."""
        return cls(f"{DOC}:{code}")

    @classmethod
    def field(cls, code: str) -> Item:
        """A form answer: the field with this code."""
        return cls(f"{FIELD}:{code}")

    @classmethod
    def parse(cls, text: object) -> Item:
        """An item from stored or posted text (anything else becomes an empty item, which
        names no part)."""
        return text if isinstance(text, Item) else cls("" if text is None else str(text))

    @property
    def kind(self) -> str:
        """ "doc", "field", "subject", "application" (or whatever unknown text says)."""
        return self.partition(":")[0]

    @property
    def code(self) -> str:
        """The requirement or field code; "" for `subject` and `application`."""
        return self.partition(":")[2]

    @property
    def is_doc(self) -> bool:
        return self.kind == DOC and bool(self.code)

    @property
    def is_field(self) -> bool:
        return self.kind == FIELD and bool(self.code)


SUBJECT_ITEM = Item(SUBJECT)
APPLICATION_ITEM = Item(APPLICATION)


def field_codes(items: set[Item] | list[Item]) -> set[str]:
    """The field codes among `items` (what a returned application may still change)."""
    return {i.code for i in map(Item.parse, items) if i.is_field}
