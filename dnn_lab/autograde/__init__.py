"""``dnn-lab autograde``: nbgrader's own autograde, one student per worker process, many at once.

- :mod:`.shards`       which students a ``--shard K/N`` copy grades (stable: by a hash of the id);
- :mod:`.plan`         the course seen through nbgrader's config: students, notebooks, what is left to grade;
- :mod:`.db`           the gradebook: URL checks, SQLite snapshots, private copies merged one at a time;
- :mod:`.worker`       one worker process: nbgrader's ``Autograde`` converter, in process, student after student;
- :mod:`.progressbar`  the bar on a terminal, plain lines otherwise;
- :mod:`.runner`       the command: starts the workers, hands out students, merges, stops cleanly on Ctrl-C.

Nothing here is imported by ``import dnn_lab``; nbgrader is imported only when the command runs.
"""
from ..startup import skip_iri_parsers

skip_iri_parsers()  # parent and workers alike (see dnn_lab.startup; issue 18)
