"""The kinds of unit a cycle may score (FORMAT.md, Unit kinds), in the order their ranking groups come."""

UNIT_KINDS = ("department", "district", "commune", "branch", "office")
LAST_YEAR_OF_DISTRICTS = 2024


def plural(kind):
    """The kind in English messages, in the plural."""
    return "branches" if kind == "branch" else f"{kind}s"


def kind_problem(kind, year, scheme):
    """Why a cycle of `year` under `scheme` (1 or 2) cannot score units of `kind`, or None when it can."""
    if kind not in UNIT_KINDS:
        return f"a unit's kind is one of {', '.join(UNIT_KINDS)}"
    if scheme == 1:
        if kind in ("department", "district"):
            return None
        return f"scheme 1 scores departments and districts only; a cycle scoring {plural(kind)} follows scheme 2"
    if kind in ("district", "office") and year > LAST_YEAR_OF_DISTRICTS:
        return f"districts were dissolved on 1 July 2025: a cycle of {year} has no {plural(kind)}; it scores communes and wards"
    return None
