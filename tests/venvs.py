"""Fresh virtual environments for tests that install a built wheel, whether pytest itself runs in the
machine's interpreter or in a developer's venv.

The inner venv is created without system site-packages; a ``.pth`` file appends the outer environment's
site-packages directories to its ``sys.path``, after its own. Plain path lines in a ``.pth`` file are added
as they are: the ``.pth`` files *inside* those directories (this checkout's editable install among them) are
not processed, so the checkout never leaks into the inner venv, and the wheels installed into the inner
venv's own site-packages come first."""
import os
import site
import subprocess
import sys
import sysconfig
from pathlib import Path


def outer_site_packages():
    """The running interpreter's site-packages directories (a venv's own, then any it inherits), in order."""
    dirs = []
    for d in [*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]:
        if d not in dirs and Path(d).is_dir():
            dirs.append(d)
    return dirs


def make_venv(path, wheels):
    """A fresh venv at ``path`` with ``wheels`` installed (no dependencies) into its own site-packages; the heavy
    dependencies are found through the outer environment's site-packages. Returns (python, env)."""
    path = Path(path)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "_outer_site_packages.pth").write_text("".join(d + "\n" for d in outer_site_packages()))
    if wheels:
        proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-index",
                               "--no-deps", "--ignore-installed", *map(str, wheels)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(VIRTUAL_ENV=str(path), PATH=f"{path / 'bin'}{os.pathsep}{env['PATH']}", OPENBLAS_NUM_THREADS="1",
               # the outer environment's data files (nbconvert and nbgrader templates) are under its prefix,
               # which jupyter_core does not search from another venv
               JUPYTER_PATH=os.pathsep.join(dict.fromkeys([str(Path(sys.prefix) / "share" / "jupyter"),
                                                           str(Path(sys.base_prefix) / "share" / "jupyter")])))
    return python, env
