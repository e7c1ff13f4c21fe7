"""Build dnn_lab's JupyterLab extension, or check that the committed build is current.

    python labextension/build.py           # maintainers: npm ci (when needed) + jupyter-builder build,
                                           # then records the inputs' hashes in prebuilt.sha256
    python labextension/build.py --check   # the committed build (labextension/prebuilt) was made from
                                           # these sources (no npm; CI and tests/test_packaging.py)
    python labextension/build.py --ci      # --check, then a real build of a copy in a temporary folder
                                           # (npm ci from package-lock.json): the sources still build

The wheel ships labextension/prebuilt as share/jupyter/labextensions/dnn-lab (pyproject's hatch
shared-data); students never need node. The build output's file names depend on the folder it was
built in, so --ci proves the build works and --check proves the committed one matches the sources.
"""
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREBUILT = HERE / "prebuilt"
STAMP = HERE / "prebuilt.sha256"
INPUTS = ("package.json", "package-lock.json", "src", "style")


def input_files(root=HERE):
    files = []
    for name in INPUTS:
        path = root / name
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return files


def stamp_text(root=HERE):
    return "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(root).as_posix()}\n"
                   for p in input_files(root))


def built_ok(prebuilt=PREBUILT):
    """The problems of a build folder: its package.json names a remoteEntry that exists."""
    meta = prebuilt / "package.json"
    if not meta.is_file():
        return [f"{meta} is missing"]
    load = json.loads(meta.read_text(encoding="utf-8")).get("jupyterlab", {}).get("_build", {}).get("load")
    if not load or not (prebuilt / load).is_file():
        return [f"{meta}: its remoteEntry ({load}) is missing"]
    return []


def check():
    problems = built_ok()
    if not STAMP.is_file():
        problems.append(f"{STAMP.name} is missing")
    elif STAMP.read_text(encoding="utf-8") != stamp_text():
        problems.append("the sources changed after the last build")
    for p in problems:
        print(f"labextension: {p}: run `python labextension/build.py` and commit labextension/", file=sys.stderr)
    return not problems


def build(root=HERE):
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("labextension: npm is needed to build (node >= 18)")
    lock = root / "package-lock.json"
    installed = root / "node_modules" / ".package-lock.json"
    if not installed.is_file() or installed.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=root, check=True)
    builder = shutil.which("jupyter-builder") or str(Path(sys.executable).with_name("jupyter-builder"))
    subprocess.run([builder, "build", "."], cwd=root, check=True)
    problems = built_ok(root / "prebuilt")
    if problems:
        sys.exit("labextension: " + "; ".join(problems))


def main(argv):
    if "--check" in argv:
        return 0 if check() else 1
    if "--ci" in argv:
        if not check():
            return 1
        with tempfile.TemporaryDirectory(prefix="dnn-lab-labextension-") as tmp:
            copy = Path(tmp)
            for name in INPUTS:
                src = HERE / name
                (shutil.copytree if src.is_dir() else shutil.copy2)(src, copy / name)
            build(copy)
            print("labextension: the sources build; the committed build matches them")
        return 0
    if PREBUILT.exists():
        shutil.rmtree(PREBUILT)  # no stale chunks left beside the new ones
    build()
    STAMP.write_text(stamp_text(), encoding="utf-8")
    print(f"labextension: built into {PREBUILT.relative_to(HERE.parent)}; inputs recorded in {STAMP.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
