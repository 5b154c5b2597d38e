"""Named crash points for fault-injection tests.

Set ``SOCIALAID_FAULT_POINT`` to a point's name and the process exits abruptly
(as if killed) the first time it reaches that point. Unset, it costs one
dictionary lookup. Used only by the fault tests, which start real processes.
"""

from __future__ import annotations

import os
import sys

_POINT = os.environ.get("SOCIALAID_FAULT_POINT")
_MARKER = os.environ.get("SOCIALAID_FAULT_MARKER")  # file created when the point fires


def crash_point(name: str) -> None:
    if _POINT != name:
        return
    if _MARKER:
        if os.path.exists(_MARKER):
            return  # fire once per marker file, so a restarted process runs normally
        with open(_MARKER, "w") as fh:
            fh.write(name)
    sys.stdout.flush()
    os._exit(137)
