"""The students' exchange commands (Assignments tab, ``nbgrader fetch_assignment/submit/list``).

They run as the student, under configuration the student can change, so nothing here protects the
course: collect does (:mod:`.collect`).  What they add protects the honest student: an exchange folder
for the course that a student owns or could write (someone's trojaned release, an inbound that
could be swapped) is refused with a clear line, and a submission folder is left writable by its owner
(and the instructor's group, when no student shares it) instead of by everyone.
"""
import os

from nbgrader.exchange.default.fetch_assignment import ExchangeFetchAssignment
from nbgrader.exchange.default.fetch_feedback import ExchangeFetchFeedback
from nbgrader.exchange.default.list import ExchangeList
from nbgrader.exchange.default.submit import ExchangeSubmit

from .base import DnnLabExchange


class SafeFetchAssignment(DnnLabExchange, ExchangeFetchAssignment):

    def init_src(self):
        if self.coursedir.course_id:
            self.check_layout(instructor=False)
        super().init_src()


class SafeFetchFeedback(DnnLabExchange, ExchangeFetchFeedback):

    def init_src(self):
        if self.coursedir.course_id:
            self.check_layout(instructor=False)
        super().init_src()


class SafeList(DnnLabExchange, ExchangeList):

    def init_src(self):
        if self.coursedir.course_id:
            self.check_layout(instructor=False)
        super().init_src()


class SafeSubmit(DnnLabExchange, ExchangeSubmit):

    def init_dest(self):
        if self.coursedir.course_id:
            self.check_layout(instructor=False)
        super().init_dest()

    def copy_files(self):
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        gid = os.stat(dest).st_gid
        shared = gid == os.getegid() or gid in os.getgroups()
        os.chmod(dest, 0o755 if shared else 0o775)
