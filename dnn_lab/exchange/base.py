"""What every dnn_lab exchange class shares: the layout check at start-up and the course's language."""
import os
import pwd

from nbgrader.exchange.default.exchange import Exchange
from traitlets import Unicode

from . import layout
from ..messages import t_short


def course_lang(config):
    """The language of the course's messages (``c.LanguagePreprocessor.lang``, else both)."""
    try:
        lang = config.LanguagePreprocessor.lang
    except AttributeError:
        lang = None
    return lang if lang in ("zh", "en", "both") else "both"


class DnnLabExchange(Exchange):
    """nbgrader's exchange with the layout of :mod:`dnn_lab.exchange.layout` checked before anything moves."""

    instructor = Unicode("", help="Unix user who owns the course's exchange folder (the instructor). Empty: on "
                         "the instructor's side, whoever runs the command; on the students' side, the course "
                         "folder is only required not to be writable by them.").tag(config=True)

    def _owner_uid(self):
        if self.instructor:
            try:
                return pwd.getpwnam(self.instructor).pw_uid
            except KeyError:
                self.fail(f"dnn_lab: c.DnnLabExchange.instructor = {self.instructor!r} is not a user of this machine")
        return os.geteuid()

    def check_layout(self, instructor):
        """Refuse to go on (one clear line per problem) when a student could have replaced part of the exchange.

        The instructor's side first repairs what it owns (modes of its own folders, the root's sticky bit
        when it owns the root); the students' side only checks."""
        course_id = self.coursedir.course_id
        lang = course_lang(self.config)
        if instructor:
            found = layout.repair(self.root, course_id, self._owner_uid())
        else:
            owner = self._owner_uid() if self.instructor else None
            found = layout.problems(self.root, course_id, owner if owner is not None else -1,
                                    groupshared=self.coursedir.groupshared)
            if owner is None:  # no instructor named: any owner but a student writing into it
                found = [f for f in found if f[0] != "exchange.layout.wrong_owner"]
                course = os.path.join(self.root, course_id)
                if os.path.isdir(course) and os.stat(course).st_uid == os.geteuid() and os.geteuid() != 0:
                    found.append(("exchange.layout.student_owns", {"path": course}))
        if self.coursedir.groupshared:
            found = [f for f in found if f[0] != "exchange.layout.writable"]
        found = [f for f in found if f[0] != "exchange.layout.no_root" or instructor is False]
        if found:
            lines = [t_short(message_id, lang, **params) for message_id, params in found]
            self.fail("dnn_lab: " + "\n".join(lines))
