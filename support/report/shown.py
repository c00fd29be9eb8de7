"""Short reprs for harness objects: the report lists every step argument as a step parameter."""


class ShownAs:
    shown_as = "harness object"

    def __repr__(self) -> str:
        return f"<{self.shown_as}>"
