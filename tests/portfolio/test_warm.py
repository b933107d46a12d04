"""The kernel's start-up (``kernel.warm``) loads Numba without SciPy's linear algebra, and only on its own thread."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_warm_leaves_scipy_linalg_unloaded_and_the_kernel_runs() -> None:
    code = textwrap.dedent(
        """
        import sys, threading
        from faircollect.portfolio import kernel
        kernel.warm()
        assert "scipy.linalg" not in sys.modules, "warm loaded scipy.linalg"
        assert not any(type(f).__name__ == "_NoScipyLinalg" for f in sys.meta_path), "finder left behind"
        import numba.np.arraymath
        assert numba.np.arraymath._HAVE_BLAS is False
        # another thread may load scipy.linalg while Numba loads; anything may afterwards
        import scipy.linalg.cython_blas  # noqa: F401
        import numpy as np
        ints, flags = kernel.run({**{n: np.zeros(0, np.int64) for n, _ in kernel.ARGS if n != "as_of"}}, 0)
        assert ints.shape[1] == 0
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
