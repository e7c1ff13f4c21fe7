"""Grading outside the student's kernel (SPEC §7).

- :mod:`.sandbox`    how a child process is started: bubblewrap when it works, process limits always;
- :mod:`.wire`       the safe message format between grader and child (no pickle);
- :mod:`.child`      the program that runs inside the sandbox (student code, never a solution);
- :mod:`.session`    the grader's side: one sandboxed child per student, remote calls, reference proxies;
- :mod:`.grade`      one exercise graded: public cases + hidden cases, decided in the grading process;
- :mod:`.nbgrader`   the nbgrader preprocessors a course made by ``dnn-lab course init`` uses.

Nothing here is imported by ``import dnn_lab``.
"""
