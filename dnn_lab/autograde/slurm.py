"""A class graded as a Slurm job array: one ``dnn-lab autograde --shard K/N`` per array task.

``dnn-lab course slurm-script ASSIGNMENT --shards N --db URL`` writes the ``sbatch`` script. Every task
grades its slice (``sha256(student) mod N``, stable) into the shared PostgreSQL gradebook, from the
shared course directory. What the script relies on:

- a student counts as graded only when the gradebook says autograde finished it, so a task that is
  killed, requeued or resubmitted grades only its slice's unfinished students; two arrays started by
  mistake both find the same finished students (each student is written in one transaction);
- the grading run dies with the task: the grading
  process has a parent-death signal (``setpriv --pdeathsig``), its workers stop when it is gone, the
  sandboxes (bwrap ``--die-with-parent``) when their worker is gone, so nothing outlives a killed task
  even where Slurm tracks processes by parentage only;
- exit codes: 0 all graded, 1 every student attempted and some submission could not be graded (they
  are named in the task's output): both are a finished task. Any other code (2 bad input, 3 stopped
  early, 130 interrupted) fails the task, which ``--requeue`` or a resubmission runs again.
"""
import shlex
import sys

DONE_CODES = (0, 1)


def slurm_script(course_dir, assignment, shards, db_url, *, jobs=1, python=None, time_limit=None,
                 partition=None, extra=()):
    """The text of an ``sbatch`` script grading ``assignment`` in ``shards`` array tasks."""
    if shards < 1:
        raise ValueError("shards must be at least 1")
    if not db_url or db_url.startswith("sqlite"):
        raise ValueError("a Slurm array needs a PostgreSQL gradebook shared by every task (--db postgresql://…)")
    python = python or sys.executable
    q = shlex.quote
    course = str(course_dir)
    lines = [
        "#!/bin/bash",
        f"#SBATCH --job-name=dnn-lab-{assignment}",
        f"#SBATCH --array=1-{shards}",
        f"#SBATCH --cpus-per-task={jobs}",
        "#SBATCH --ntasks=1",
        f"#SBATCH --chdir={course}",
        f"#SBATCH --output={course}/.dnn_lab/slurm/%x-%A_%a.out",
        "#SBATCH --open-mode=append",
        "#SBATCH --requeue",
    ]
    if time_limit:
        lines.append(f"#SBATCH --time={time_limit}")
    if partition:
        lines.append(f"#SBATCH --partition={partition}")
    lines += [f"#SBATCH {x}" for x in extra]
    lines += [
        "# Written by `dnn-lab course slurm-script`: each array task grades one shard of the class.",
        "set -u",
        f"echo \"dnn-lab: task $SLURM_ARRAY_TASK_ID/{shards} of job $SLURM_ARRAY_JOB_ID on $(hostname)"
        " (restart ${SLURM_RESTART_COUNT:-0})\"",
        # the grading run in its own process group, waited for: a TERM to the script (time limit,
        # scancel) stops the group cleanly; if the script itself is killed, the run gets SIGKILL from the
        # kernel (parent-death signal), and its workers and sandboxes die with it in turn
        f"setsid setpriv --pdeathsig KILL {q(python)} -m dnn_lab.cli autograde {q(assignment)} --shard \"$SLURM_ARRAY_TASK_ID/{shards}\" "
        f"--jobs {jobs} --db {q(db_url)} &",
        "child=$!",
        "trap 'kill -TERM -- -$child 2>/dev/null; wait $child' TERM INT",
        "wait $child",
        "status=$?",
        "# 0: every student graded; 1: every student attempted, some submissions could not be graded",
        "# (named above): a finished task either way. Anything else: the task failed, run it again.",
        'if [ "$status" -eq 0 ] || [ "$status" -eq 1 ]; then exit 0; fi',
        'exit "$status"',
        "",
    ]
    return "\n".join(lines)
