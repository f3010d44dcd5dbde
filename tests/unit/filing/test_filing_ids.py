"""Filing ids ``<USCC>-<n>``: anything else is no filing, never an error."""

from __future__ import annotations

import pytest

from skilleval_filing.filings.repository import filing_id, parse_filing_id

USCC = "91350100M000100Y43"


@pytest.mark.parametrize("n", [1, 2, 10, 999_999])
def test_a_filing_id_parses_back(n: int) -> None:
    assert parse_filing_id(filing_id(USCC, n)) == (USCC, n)


@pytest.mark.parametrize(
    "value",
    [
        f"{USCC}-\u00b2",  # superscript two: str.isdigit() says yes, int() says no
        f"{USCC}-1\u00b2",
        f"{USCC}-\u2460",  # circled one
        f"{USCC}-\u0661",  # Arabic-Indic one: int() would take it as 1
        f"{USCC}-\uff11",  # fullwidth one
        pytest.param(f"{USCC}-" + "9" * 5000, id="5000-nines"),  # past int()'s 4300 digits
        f"{USCC}-1234567",
        f"{USCC}-",
        f"{USCC}--1",
        f"{USCC}-+1",
        f"{USCC}- 1",
        f"{USCC}-x",
        USCC,
        "nonsense",
    ],
)
def test_anything_but_ascii_digits_is_no_filing_id(value: str) -> None:
    assert parse_filing_id(value) is None
