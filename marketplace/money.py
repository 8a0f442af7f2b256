"""Money is integer rupiah everywhere; this is the one place that turns it into text."""


def format_rupiah(amount: int | None) -> str:
    """125000 -> "Rp 125.000" (Indonesian thousands separator, no decimals)."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(int(amount)):,}".replace(",", ".")
