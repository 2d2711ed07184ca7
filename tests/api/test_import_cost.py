"""``import columnar`` stays cheap: numba, pyarrow and the parser load on first use."""

import subprocess
import sys


def test_import_columnar_loads_no_heavy_module():
    code = (
        "import sys, columnar; "
        "print(','.join(m for m in ('numba', 'pyarrow', 'pandas', 'lark', 'columnar.exec') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
