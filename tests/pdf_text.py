"""The text of a PDF written by fpdf2, read back the way a PDF reader does, for tests that check a
PDF is readable (no PDF library is installed). It follows the document's own structure: each page's
content stream names its fonts (``/F1 9.50 Tf``), each font its ``ToUnicode`` map from glyph ids to
characters, and text is drawn by ``Tj`` and ``TJ`` with two-byte glyph ids (Identity-H)."""

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(number): body for number, body in OBJECT.findall(data)}


def _stream(body: bytes) -> bytes:
    found = STREAM.search(body)
    if found is None:
        return b""
    content = found.group(1)
    return zlib.decompress(content) if b"/FlateDecode" in body[: found.start()] else content


def _unicode_map(cmap: bytes) -> dict[int, str]:
    """Glyph id → text, from a ToUnicode CMap's ``bfchar`` and ``bfrange`` sections."""
    mapping = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for glyph, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section):
            mapping[int(glyph, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for first, last, start in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section):
            code = int(start, 16)
            for offset, glyph in enumerate(range(int(first, 16), int(last, 16) + 1)):
                mapping[glyph] = chr(code + offset)
    return mapping


def _literal_strings(operand: bytes) -> list[bytes]:
    """The bytes of each ``( … )`` string in ``operand``, escapes resolved."""
    strings, index = [], 0
    while (start := operand.find(b"(", index)) != -1:
        out, i, depth = bytearray(), start + 1, 1
        while i < len(operand):
            char = operand[i : i + 1]
            if char == b"\\":
                following = operand[i + 1 : i + 2]
                octal = re.match(rb"[0-7]{1,3}", operand[i + 1 : i + 4])
                if octal:
                    out.append(int(octal.group(), 8))
                    i += 1 + len(octal.group())
                    continue
                out += ESCAPES.get(following, following)
                i += 2
                continue
            if char == b"(":
                depth += 1
            elif char == b")":
                depth -= 1
                if depth == 0:
                    break
            out += char
            i += 1
        strings.append(bytes(out))
        index = i + 1
    return strings


def pdf_text(data: bytes) -> str:
    """The document's text, one line per drawn string (a word may wrap onto the next line)."""
    objects = _objects(data)
    fonts = {}
    for body in objects.values():
        for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", body):
            font = objects.get(int(number), b"")
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font)
            if to_unicode:
                fonts[name] = _unicode_map(_stream(objects[int(to_unicode.group(1))]))
    lines = []
    for body in objects.values():
        if b"/Length" not in body or b"/ToUnicode" in body or b"CIDInit" in body:
            continue
        try:
            content = _stream(body)
        except zlib.error:
            continue
        current = {}
        for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|(\[.*?\]\s*TJ|\(.*?\)\s*Tj)(?=\s*ET)", content, re.S):
            if token.group(1):
                current = fonts.get(token.group(1), {})
                continue
            text = ""
            for string in _literal_strings(token.group(2)):
                text += "".join(
                    current.get(int.from_bytes(string[i : i + 2], "big"), "") for i in range(0, len(string), 2)
                )
            lines.append(text)
    return "\n".join(lines)
