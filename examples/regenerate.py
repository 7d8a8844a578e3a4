"""Regenerate the outputs of every example profile into examples/output/<name>/.

Run: python3 examples/regenerate.py
"""

from __future__ import annotations

from pathlib import Path

from orgplan import load_profile, plan
from orgplan.outputs import write_outputs

HERE = Path(__file__).resolve().parent


def main() -> None:
    for path in sorted(HERE.glob("*.yaml")):
        result = plan(load_profile(path))
        for written in write_outputs(result, HERE / "output" / path.stem):
            print(written.relative_to(HERE))


if __name__ == "__main__":
    main()
