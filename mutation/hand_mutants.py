"""The three mistakes an earlier review made by hand in the scope functions
and the lifecycle's table, applied one at a time to a copy of the project:
each must make the suite fail. Run by `make mutation` after mutmut.

    .venv/bin/python mutation/hand_mutants.py
"""

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    original: str
    mutated: str
    tests: tuple[str, ...]


MUTANTS = (
    Mutant(
        "a professional of one establishment reaches its whole SIREN (head-office condition dropped)",
        "reports/models/reports.py",
        "siren__in=[siren for _pk, siren, head in accesses if head]",
        "siren__in=[siren for _pk, siren, head in accesses]",
        ("tests/test_permissions.py", "tests/reports/test_pro_space.py"),
    ),
    Mutant(
        "a professional sees the agents' files (origin exclusion dropped)",
        "reports/models/files.py",
        "return servable.exclude(origin=ActorKind.AGENT)",
        "return servable",
        ("tests/test_permissions.py", "tests/reports/test_attachments.py"),
    ),
    Mutant(
        "a report closed unread can be marked read (extra transition from NonConsulte)",
        "reports/lifecycle.py",
        '"read": {S.SENT: (S.READ,)},',
        '"read": {S.SENT: (S.READ,), S.CLOSED_UNREAD: (S.READ,)},',
        ("tests/reports/test_lifecycle_table.py", "tests/reports/test_lifecycle.py"),
    ),
)


def project_copy(into: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            target = into / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def killed(mutant: Mutant) -> bool:
    with tempfile.TemporaryDirectory(prefix="hand-mutant-") as directory:
        copy = Path(directory)
        project_copy(copy)
        target = copy / mutant.path
        text = target.read_text()
        if text.count(mutant.original) != 1:
            sys.exit(f"{mutant.path} no longer holds {mutant.original!r}: update mutation/hand_mutants.py")
        target.write_text(text.replace(mutant.original, mutant.mutated))
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *mutant.tests],
            cwd=copy,
            capture_output=True,
            text=True,
        )
        # 1 is "tests failed"; anything else (collection error, interrupted)
        # proves nothing about the tests.
        if run.returncode not in (0, 1):
            sys.exit(f"pytest could not run against the mutant ({run.returncode}):\n{run.stdout[-3000:]}")
        failed = [line for line in run.stdout.splitlines() if line.startswith("FAILED")]
        print(f"{'killed' if run.returncode else 'SURVIVED'}: {mutant.name}")
        for line in failed:
            print(f"    {line}")
        return run.returncode == 1


def main() -> int:
    survivors = [mutant for mutant in MUTANTS if not killed(mutant)]
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
