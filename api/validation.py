"""Vietnamese messages for invalid input, and the checks the request models share.

FastAPI reports problems as pydantic error lists; :func:`validation_message` turns one into
sentences a person can act on: which field, what was expected, what was sent.
"""
from __future__ import annotations

from pydantic_core import PydanticCustomError

# checks of our own: their pydantic message is already the Vietnamese sentence to show
OWN_ERROR_PREFIX = "mttq_"

FIELD_MESSAGES = {
    "question": "Câu hỏi không được để trống và dài tối đa 1000 ký tự.",
    "q": "Câu truy vấn không được để trống và dài tối đa 1000 ký tự.",
    "history": ("Lịch sử hội thoại không hợp lệ: mỗi lượt cần role là \"user\" hoặc \"assistant\" "
                "và content là văn bản; tối đa 20 lượt."),
    "k": "Tham số k phải là số nguyên từ 1 đến 50.",
    "messages": "Danh sách messages không hợp lệ: cần ít nhất một tin nhắn có role và content.",
    "message_id": "Mã câu trả lời (message_id) không hợp lệ.",
    "rating": "Đánh giá (rating) phải là \"up\" hoặc \"down\".",
    "comment": "Góp ý dài tối đa 1000 ký tự.",
}
_BODY_SHAPE = "Yêu cầu không hợp lệ: cần gửi JSON dạng {\"question\": \"…\"}."

# pydantic error type → the JSON type that was expected
_EXPECTED = {
    "string_type": "văn bản (chuỗi ký tự)", "int_type": "số nguyên", "int_parsing": "số nguyên",
    "int_from_float": "số nguyên", "float_type": "số", "float_parsing": "số", "bool_type": "true hoặc false",
    "bool_parsing": "true hoặc false", "list_type": "danh sách", "dict_type": "đối tượng JSON",
    "model_type": "đối tượng JSON", "model_attributes_type": "đối tượng JSON",
}


def json_type_name(value: object) -> str:
    """The JSON type of ``value`` in Vietnamese ("số", "danh sách", "null" …)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "số"
    if isinstance(value, str):
        return "văn bản"
    if isinstance(value, (list, tuple)):
        return "danh sách"
    return "đối tượng"


def field_path(loc: tuple) -> str:
    """``("body", "history", 0, "content")`` → ``history[0].content``."""
    out = ""
    for part in loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_message(errors: list[dict]) -> str:
    """One Vietnamese sentence per distinct problem in a pydantic/FastAPI error list.

    A value of the wrong JSON type names the field, the expected type and the type sent
    ('Trường "question" phải là văn bản (chuỗi ký tự), không phải số.'); our own checks
    (error types starting with ``mttq_``) give their message; other problems of a known
    field give that field's rule (length limits, allowed values).
    """
    messages: list[str] = []
    for error in errors:
        kind = error.get("type", "")
        loc = tuple(error.get("loc", ()))
        names = [p for p in (loc[1:] if loc and loc[0] in ("body", "query", "path") else loc) if isinstance(p, str)]
        field = names[0] if names else ""
        path = field_path(loc)
        if kind == "json_invalid":
            text = "Nội dung gửi lên không phải JSON hợp lệ."
        elif kind.startswith(OWN_ERROR_PREFIX):
            text = error.get("msg", "")
        elif kind == "string_unicode":  # a lone UTF-16 surrogate escape such as "\ud800"
            text = f"Trường \"{path}\" chứa ký tự Unicode không hợp lệ (nửa cặp thay thế UTF-16 đứng lẻ)."
        elif not field:
            text = _BODY_SHAPE
        elif kind in _EXPECTED and loc and loc[0] == "body":
            text = (f"Trường \"{path}\" phải là {_EXPECTED[kind]}, "
                    f"không phải {json_type_name(error.get('input'))}.")
        elif kind == "missing" and field not in FIELD_MESSAGES:
            text = f"Thiếu trường \"{path}\"."
        else:
            text = FIELD_MESSAGES.get(field, f"Trường \"{path}\" không hợp lệ.")
        if text not in messages:
            messages.append(text)
    return " ".join(messages)


def readable_text(value: str, what: str = "Câu hỏi") -> str:
    """``value`` unchanged when a person could have typed it; raises otherwise.

    Raises:
        PydanticCustomError: ``mttq_unreadable`` when it holds U+FFFD (text decoded from
            bytes that were not UTF-8) or control characters; ``mttq_no_words`` when it has
            no letter or digit at all (nothing to search for).
    """
    if "\ufffd" in value or any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise PydanticCustomError("mttq_unreadable", f"{what} chứa ký tự không đọc được (văn bản không phải "
                                  "UTF-8 hoặc bị hỏng mã hóa): hãy gõ lại hoặc dán lại văn bản.")
    if not any(c.isalnum() for c in value):
        raise PydanticCustomError("mttq_no_words", f"{what} cần có chữ hoặc số.")
    return value
