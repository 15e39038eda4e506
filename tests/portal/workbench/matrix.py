"""Permission-matrix entries of the workbench (/workbench/): everyone signed in has one."""

from tests.security.matrix import SIGNED_IN, Entry

MATRIX = {
    # Each person's own workbench: what it lists is theirs (tests/portal/workbench/).
    "workbench:home": Entry(allow=SIGNED_IN),
}
