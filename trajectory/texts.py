"""The shape of a guide's text (its translations are read through ``organisations.texts``)."""


def blocks(text: str) -> list[tuple[str, list[str]]]:
    """A guide's text as ``("p", [text])`` paragraphs and ``("ul", [items])`` lists: paragraphs
    are separated by a blank line, list items start with "- "."""
    result: list[tuple[str, list[str]]] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            result.append(("ul", [line[2:].strip() for line in lines]))
        else:
            result.append(("p", [" ".join(lines)]))
    return result
