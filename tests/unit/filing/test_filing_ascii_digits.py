"""Numbers people type are ASCII digits: a full-width or other-script digit is refused, not
stored (``\\d`` in a Python pattern matches every Unicode digit)."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from skilleval_filing.catalog.table import PostalCode
from skilleval_filing.complaints.model import _certificate_number


@pytest.mark.parametrize("code", ["２６６０００", "٢٦٦٠٠٠"])
def test_a_postal_code_in_other_digits_is_refused(code: str) -> None:
    with pytest.raises(ValidationError, match="邮编应为6位数字"):
        TypeAdapter(PostalCode).validate_python(code)
    assert TypeAdapter(PostalCode).validate_python(" 266000 ") == "266000"


def test_a_certificate_number_in_full_width_digits_is_refused() -> None:
    with pytest.raises(ValueError, match="21位数字"):
        _certificate_number("Y" + "２" * 21)
    assert _certificate_number("y" + "2" * 21) == "Y" + "2" * 21
