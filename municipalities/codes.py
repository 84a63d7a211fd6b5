"""The 6-digit local-government code (全国地方公共団体コード): 5 digits and a check digit."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
