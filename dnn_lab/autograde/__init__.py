"""``dnn-lab autograde``: nbgrader's own autograde, one student per worker process, many at once.

- :mod:`.shards`       which students a ``--shard K/N`` copy grades (stable: by a hash of the id);
- :mod:`.plan`         the course seen through nbgrader's config: students, notebooks, what is left to grade;
- :mod:`.db`           the gradebook: URL checks, SQLite snapshots, private copies merged one at a time;
- :mod:`.worker`       one worker process: nbgrader's ``Autograde`` converter, in process, student after student;
- :mod:`.progressbar`  the bar on a terminal, plain lines otherwise;
- :mod:`.runner`       the command: starts the workers, hands out students, merges, stops cleanly on Ctrl-C.

Nothing here is imported by ``import dnn_lab``; nbgrader is imported only when the command runs.
"""
import sys

# jsonschema (imported by nbformat, so by nbgrader) imports rfc3987_syntax when that is installed (an extra of
# jupyter-events), which builds about 40 lark parsers at import: 2.3-2.7 CPU seconds in every process that reads
# a notebook, i.e. in this command's parent and in each worker. Only jsonschema's "iri" format checks use it, and
# nbformat and nbgrader validate without format checking: these processes go without it (issue 18).
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)
