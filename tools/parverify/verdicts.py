"""How a check fails: a Failure is a verdict (FORMAT.md, Verdicts); a RuleBroken is an event breaking a rule
of the cycle, which the event walk turns into `FAILED [rule]`; `need` and `member` are how the rules refuse."""


class Failure(Exception):
    """The first failed check: a verdict code of FORMAT.md and a message naming where."""

    def __init__(self, code, message, exit_code=1):
        super().__init__(f"[{code}] {message}")
        self.code, self.message, self.exit_code = code, message, exit_code


class RuleBroken(Exception):
    """An event breaks a rule of the cycle (FORMAT.md, Rules of the cycle)."""


def need(condition, reason):
    if not condition:
        raise RuleBroken(reason)


def member(payload, name, kind, optional=False):
    """A payload member of JSON type `kind` (str, int, list, dict, bool); None when optional and absent or null."""
    value = payload.get(name)
    if value is None and optional:
        return None
    need(value is not None, f"the payload needs '{name}'")
    need(isinstance(value, kind) and not (kind is int and isinstance(value, bool)), f"'{name}' has the wrong type")
    return value
