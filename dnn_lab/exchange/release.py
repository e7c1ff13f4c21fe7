"""The instructor's release commands with the safe exchange layout (``c.ExchangeFactory.release_*``).

Release creates the root 1777 (nbgrader: 0777), the course folder and outbound 0755, the inbound 3733
(nbgrader: 2733; the sticky bit stops students renaming or removing each other's submissions) and
feedback 0711, all owned by the instructor; before anything moves, a course folder, outbound, inbound
or feedback that a student owns or could write is refused with one line each (:mod:`.layout`).
"""
import os
import stat

from nbgrader.exchange.default.release_assignment import ExchangeReleaseAssignment
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback

from . import layout
from .base import DnnLabExchange


class SafeReleaseAssignment(DnnLabExchange, ExchangeReleaseAssignment):

    def ensure_root(self):
        super().ensure_root()  # creates it 0777 when missing
        st = os.stat(self.root)
        if st.st_mode & stat.S_IWOTH and not st.st_mode & stat.S_ISVTX and st.st_uid == os.geteuid():
            os.chmod(self.root, (st.st_mode & 0o7777) | stat.S_ISVTX)

    def init_dest(self):
        if self.coursedir.course_id:
            self.check_layout(instructor=True)
        super().init_dest()
        if not self.coursedir.groupshared:
            for path, mode in ((self.course_path, layout.COURSE_MODE), (self.outbound_path, layout.OUTBOUND_MODE),
                               (self.inbound_path, layout.INBOUND_MODE)):
                os.chmod(path, mode)
            feedback = os.path.join(self.course_path, "feedback")
            if not os.path.isdir(feedback):
                os.mkdir(feedback)
            os.chmod(feedback, layout.FEEDBACK_MODE)
        self.check_layout(instructor=True)


class SafeReleaseFeedback(DnnLabExchange, ExchangeReleaseFeedback):

    def init_dest(self):
        if self.coursedir.course_id:
            self.check_layout(instructor=True)
        super().init_dest()
