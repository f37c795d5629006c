"""Evaluate a module's expressions with the terraform binary itself, offline.

No provider can be downloaded here, so `terraform validate/plan` cannot run on the real
configuration. But locals, for expressions, for_each tables and jsonencode are Terraform's own:
this copies a module, drops its provider resources, turns chosen ones into the built-in
`terraform_data` (its `input` is the resource's expression), and plans that. The plan's
values are what Terraform computes from the same text.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

RESOURCE = re.compile(r'^(resource|data) "([a-z0-9_]+)" "([a-z0-9_]+)" \{', re.M)


def _blocks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, type) of each top-level resource or data block (braces balanced)."""
    found = []
    for match in RESOURCE.finditer(text):
        depth, index = 0, match.end() - 1
        while True:
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            if depth == 0:
                break
            index += 1
        found.append((match.start(), index + 1, match.group(2)))
    return found


def as_terraform_data(text: str, keep: dict[str, str]) -> str:
    """Drop provider blocks; keep[type] = attribute whose expression becomes `input`."""
    out, last = [], 0
    for start, end, rtype in _blocks(text):
        out.append(text[last:start])
        if rtype in keep:
            block = text[start:end].replace(f'resource "{rtype}"', 'resource "terraform_data"', 1)
            out.append(re.sub(rf"^(\s*){keep[rtype]}(\s*)=", r"\1input\2=", block, flags=re.M))
        last = end
    out.append(text[last:])
    return "".join(out)


def plan(module: Path, work: Path, keep: dict[str, str], outputs: str,
         variables: dict[str, Any]) -> dict[str, Any]:
    """Plan the stripped copy of `module` in `work`; return `terraform show -json`."""
    # versions.tf requires the google provider (a download); outputs.tf names dropped resources.
    for path in module.glob("*.tf"):
        if path.name not in ("versions.tf", "outputs.tf"):
            (work / path.name).write_text(as_terraform_data(path.read_text(), keep))
    (work / "eval_outputs.tf").write_text(outputs)
    (work / "eval.tfvars.json").write_text(json.dumps(variables))

    def terraform(*args: str) -> str:
        done = subprocess.run(["terraform", f"-chdir={work}", *args], capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done.stdout

    terraform("init", "-backend=false", "-input=false", "-no-color")
    terraform("plan", "-input=false", "-no-color", "-var-file=eval.tfvars.json", "-out=eval.plan")
    shown: dict[str, Any] = json.loads(terraform("show", "-json", "eval.plan"))
    return shown
