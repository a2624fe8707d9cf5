"""Build the smallest valid input for any botocore operation, from its input shape alone.

Only required members are filled, recursively. Values respect what the model states (enum,
length and range bounds, a best effort at `pattern`), so the server sees a well-formed request
and answers with its real behaviour rather than a validation error where possible.
"""

import datetime
import re

try:  # the regex parser behind `re`, used to sample a string from a pattern; moved in 3.11
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # Python < 3.11
    import sre_constants as sre
    import sre_parse

REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))

# Tried in order against a member's pattern; the first that fully matches (and fits the length) wins.
CANDIDATES = (
    "test",
    "a",
    "test-1",
    "arn:aws:iam::000000000000:role/test",
    "123456789012",
    "00000000-0000-4000-8000-000000000000",
    "https://example.com",
    "test1",
    "1",
    "us-east-1",
    "test.txt",
    "/test",
)

# Members whose value matters to the client itself (endpoint rules, URL building), per service.
FIXED_VALUES = {
    "s3": {"Bucket": "ferrostack-walk", "Key": "walk-key", "CopySource": "ferrostack-walk/walk-key"},
}

NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


class GeneratorError(Exception):
    """The model asks for something this generator cannot build: a harness bug, not a server bug."""


def minimal_input(operation_model):
    shape = operation_model.input_shape
    if shape is None:
        return {}
    fixed = FIXED_VALUES.get(operation_model.service_model.service_name, {})
    # botocore fills top-level idempotency tokens itself.
    skip = set(operation_model.idempotent_members)
    return _structure(shape, fixed, skip, depth=0)


def _value(shape, name, fixed, depth):
    if depth > 30:
        raise GeneratorError(f"required members recurse without end at {shape.name}")
    if name in fixed and shape.type_name == "string":
        return fixed[name]
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, fixed, set(), depth)
    if kind == "list":
        count = _count(shape)
        return [_value(shape.member, name, fixed, depth + 1) for _ in range(count)]
    if kind == "map":
        count = _count(shape)
        key = _value(shape.key, name, fixed, depth + 1)
        keys = [key] + [f"{key}{i}" for i in range(1, count)]
        return {k: _value(shape.value, name, fixed, depth + 1) for k in keys}
    if kind == "string":
        return _string(shape)
    if kind in ("integer", "long"):
        return int(_number(shape))
    if kind in ("float", "double"):
        return float(_number(shape))
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return NOW
    if kind == "blob":
        return b"x" * max(int(shape.metadata.get("min", 1)), 1)
    raise GeneratorError(f"unknown shape type {kind!r} ({shape.name})")


def _structure(shape, fixed, skip, depth):
    if shape.is_document_type:
        return {}
    members = shape.members
    if shape.is_tagged_union:
        # Exactly one member must be set; the first that builds will do.
        for name, member in members.items():
            try:
                return {name: _value(member, name, fixed, depth + 1)}
            except GeneratorError:
                continue
        raise GeneratorError(f"no member of union {shape.name} can be built")
    required = [name for name in shape.required_members if name not in skip]
    return {name: _value(members[name], name, fixed, depth + 1) for name in required}


def _count(shape):
    low = int(shape.metadata.get("min", 0))
    high = int(shape.metadata.get("max", 1 << 30))
    # One element rather than an empty container: "required" rarely means "may be empty" server-side.
    return min(max(low, 1), high)


def _number(shape):
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    value = 1
    if low is not None:
        value = max(value, low)
    if high is not None:
        value = min(value, high)
    return value


def _string(shape):
    if shape.enum:
        return shape.enum[0]
    low = int(shape.metadata.get("min", 0))
    high = int(shape.metadata.get("max", 1 << 30))

    def fits(text):
        return low <= len(text) <= high

    pattern = _compile(shape.metadata.get("pattern"))
    if pattern is None:
        return "test" if fits("test") else "a" * max(low, 1)
    # Stretching repeats up to the minimum length helps patterns like "[0-9]+" with min 6.
    samples = (_sample(pattern, stretch) for stretch in (1, max(low, 1)))
    for text in (*CANDIDATES, *samples):
        if text and fits(text) and pattern.fullmatch(text):
            return text
    return "a" * max(low, 1)


def _compile(pattern):
    """Turn the model's Java-style regex into Python's, or None if that fails."""
    if not pattern:
        return None
    converted = (
        pattern.replace(r"\uD800\uDC00-\uDBFF\uDFFF", r"\U00010000-\U0010FFFF")  # Java surrogate pair range
        .replace(r"\z", r"\Z")
    )
    converted = re.sub(r"\\[pP]\{\w+\}", r"\\w", converted)  # Unicode classes: letters/digits will do
    converted = re.sub(r"\\([wdsWDS])-", r"\\\1\\-", converted)  # Java: '-' after \w in a class is literal
    try:
        return re.compile(converted, re.DOTALL)
    except re.error:
        return None


def _sample(pattern, stretch):
    """A string the regex likely accepts: literals as is, first useful branch, repeats at least `stretch`
    times where allowed. The caller checks the result with fullmatch."""
    try:
        return _emit(sre_parse.parse(pattern.pattern, pattern.flags), stretch)
    except (ValueError, IndexError, TypeError, re.error):  # an unusual construct: the caller falls back
        return ""


def _emit(parsed, stretch):
    out = []
    for op, arg in parsed:
        if op is sre.LITERAL:
            out.append(chr(arg))
        elif op is sre.NOT_LITERAL:
            out.append("b" if chr(arg) == "a" else "a")
        elif op is sre.ANY:
            out.append("a")
        elif op is sre.IN:
            out.append(_pick_in(arg))
        elif op in REPEATS:
            low, high, item = arg
            out.append(_emit(item, stretch) * max(low, min(stretch, high)))
        elif op is sre.SUBPATTERN:
            out.append(_emit(arg[-1], stretch))
        elif op is sre.BRANCH:
            options = [_emit(branch, stretch) for branch in arg[1]]
            out.append(next((text for text in options if text), ""))
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):  # anchors and lookarounds consume nothing
            continue
        else:  # backreferences and the like: give up on this pattern
            raise ValueError(op)
    return "".join(out)


def _pick_in(items):
    negate = bool(items) and items[0][0] is sre.NEGATE
    for char in "abcxyz019ABC-_.,:/ ":
        if _in_class(char, items) != negate:
            return char
    if not negate:  # e.g. [2-3]: the first character the class names
        for op, arg in items:
            if op is sre.LITERAL:
                return chr(arg)
            if op is sre.RANGE:
                return chr(arg[0])
    raise ValueError("no simple character in class")


def _in_class(char, items):
    code = ord(char)
    for op, arg in items:
        if op is sre.LITERAL and arg == code:
            return True
        if op is sre.RANGE and arg[0] <= code <= arg[1]:
            return True
        if op is sre.CATEGORY:
            kind = str(arg)
            tests = {"DIGIT": char.isdigit(), "WORD": char.isalnum() or char == "_", "SPACE": char.isspace()}
            for label, result in tests.items():
                if kind.endswith("_NOT_" + label) and not result:
                    return True
                if kind.endswith("_" + label) and "_NOT_" not in kind and result:
                    return True
    return False
