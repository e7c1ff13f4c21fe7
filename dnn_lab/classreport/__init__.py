"""The class at a glance (``dnn-lab report``): what a whole class gets wrong, step by step.

- :mod:`.collect`  the verdict files of one assignment (written by ``DnnLabGrader``), read as data;
- :mod:`.summary`  counts: pass rate per exercise, diagnoses with their students, steps, scores, attention;
- :mod:`.text`     the terminal summary;
- :mod:`.html`     one self-contained HTML file: heat maps on the exercises' own diagrams, score plot;
- :mod:`.cli`      the command.

Top layer (beside grading): reads files only, never runs student code; nbgrader is imported only
for ``--db`` (scores from the gradebook).
"""
