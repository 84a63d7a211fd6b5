"""The 6-digit local-government code (全国地方公共団体コード): 5 digits and a check digit."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from core.sheet_upload import normalise

_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first_five: str) -> int:
    """Check digit: 11 minus (weighted sum mod 11), keeping the last digit."""
    total = sum(int(digit) * weight for digit, weight in zip(first_five, _WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def is_valid_code(code: str) -> bool:
    return (
        len(code) == 6
        and code.isascii()
        and code.isdigit()
        and check_digit(code[:5]) == int(code[5])
    )


def validate_code(code: str) -> None:
    if not is_valid_code(code):
        raise ValidationError(
            _("地方公共団体コード「%(code)s」が正しくありません（6桁・検査数字）。"),
            code="invalid_lg_code",
            params={"code": code},
        )


@dataclass(frozen=True)
class BodyReading:
    """The body a sheet row names by its code: the body, or the error the row gets; warnings
    for what was read leniently (a lost leading zero) or looks wrong (a name that differs)."""

    body: Any = None
    error: str = ""
    warnings: tuple[str, ...] = ()


def read_body(code_cell, name_cell, bodies: Mapping[str, Any]) -> BodyReading:
    """Find the body of a sheet row in `bodies` (by code): the code as Excel may hand it over
    (the number 11002 for 011002, full-width digits, hyphens), checked digit by digit."""
    code = normalise(code_cell).replace("-", "")
    warnings = []
    if not code:
        return BodyReading(error=gettext_now("団体コードが空欄です。"))
    if len(code) == 5 and code.isdigit() and ("0" + code) in bodies:
        warnings.append(
            gettext_now(
                "団体コード「%(code)s」は先頭の0が欠けているとみなし、「0%(code)s」として読みました。"
            )
            % {"code": code}
        )
        code = "0" + code
    if not is_valid_code(code):
        if len(code) == 6 and code.isdigit():
            message = gettext_now("団体コード「%(code)s」の検査数字が正しくありません。")
        else:
            message = gettext_now("団体コード「%(code)s」は6桁の数字ではありません。")
        return BodyReading(error=message % {"code": code})
    body = bodies.get(code)
    if body is None:
        return BodyReading(
            error=gettext_now("団体コード「%(code)s」に該当する団体がありません。") % {"code": code}
        )
    name = normalise(name_cell)
    if name and name not in (body.name, body.qualified_name):
        warnings.append(
            gettext_now("団体名「%(name)s」が団体コードの団体（%(body)s）と一致しません。")
            % {"name": name, "body": body.qualified_name}
        )
    return BodyReading(body=body, warnings=tuple(warnings))
