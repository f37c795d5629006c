"""Local development stack: emulators, the four functions and a stand-in Cloud Scheduler."""

from devstack.emulators import QUEUE_NAMES
from devstack.procs import StackError
from devstack.seed import MUSIC_EXTENSION
from devstack.stack import FUNCTION_NAMES, Stack

__all__ = ["FUNCTION_NAMES", "MUSIC_EXTENSION", "QUEUE_NAMES", "Stack", "StackError"]
