"""Feeds patched as pieces of their last bytes (splice.py)."""

from __future__ import annotations

import io

from blog.splice import MAX_PIECES, Data, Pieces, replace_once, spliced

FEED = b"<rss><item>one</item><item>two</item><item>three</item></rss>"


def test_a_replaced_part_keeps_the_rest_as_spans_of_the_old_bytes() -> None:
    data = replace_once(FEED, b"<item>two</item>", b"<item>TWO!</item>")
    assert data is not None
    assert bytes(data) == FEED.replace(b"two", b"TWO!")
    assert len(data) == len(bytes(data))
    assert any(held is FEED for held, _, _ in data.spans)  # not copied
    handle = io.BytesIO()
    data.write_to(handle)
    assert handle.getvalue() == bytes(data)


def test_replacements_chain_over_pieces() -> None:
    data: bytes | Pieces = FEED
    steps = [
        (b"<item>two</item>", b"<item>2</item>"),
        (b"<item>one</item>", b"<item>1</item>"),
        (b"<item>2</item>", b""),  # a part put in by an earlier patch is one whole piece
        (b"<item>three</item>", b"<item>3</item>"),
    ]
    for old, new in steps:
        found = replace_once(data, old, new)
        assert found is not None, old
        data = found
    assert _bytes(data) == b"<rss><item>1</item><item>3</item></rss>"


def test_a_part_not_found_inside_one_span_is_none() -> None:
    assert replace_once(FEED, b"<item>four</item>", b"x") is None
    data = replace_once(FEED, b"two", b"2")
    assert data is not None
    # "</item><item>2" spans three pieces: not found, so the caller makes the feed whole
    assert replace_once(data, b"</item><item>2", b"x") is None


def test_many_patches_are_joined_back_into_one_piece() -> None:
    data: bytes | Pieces = b"".join(b"<i>%d</i>" % n for n in range(200))
    for n in range(100):
        found = replace_once(data, b"<i>%d</i>" % n, b"<i>x%d</i>" % n)
        assert found is not None
        data = found
        assert len(found.spans) <= MAX_PIECES
    assert _bytes(data).count(b"<i>x") == 100


def test_spliced_replaces_each_changed_part_and_keeps_equal_ones() -> None:
    def part(page: str) -> bytes:
        return f"<item>{page}</item>".encode()

    assert spliced(FEED, [("two", "two")], part) is FEED
    data = spliced(FEED, [("one", "uno"), ("three", "tres")], part)
    assert data is not None and _bytes(data) == FEED.replace(b"one", b"uno").replace(
        b"three", b"tres"
    )
    assert spliced(FEED, [("four", "cuatro")], part) is None
    assert spliced(None, [("one", "uno")], part) is None
    assert spliced(FEED, [("one", "uno")], None) is None


def _bytes(data: Data) -> bytes:
    return data if isinstance(data, bytes) else bytes(data)
