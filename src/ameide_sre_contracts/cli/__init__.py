"""`sre-contracts`: look inside, check and convert SRE envelopes without writing Python.

Exit codes: 0 success (valid); 1 the message breaks the contract (one line per
violation on stdout); 2 usage errors, unreadable input, or input that is not
a message of the topic (or not the system's payload, for ingest); 70 a fault
of this program, reported in one line without a traceback; 130 interrupted.

Every line it prints is safe for a terminal and a log: JSON keeps C1
controls, DEL and bidi controls escaped (`\u009b`, `\u202e`), and errors
and violations escape every control character.

The commands compose: `ingest` writes JSON lines (or length-delimited
frames), and `validate`, `encode` and `decode` read one message, JSON lines
or frames, one verdict or message per line.
"""

from ameide_sre_contracts.cli._main import main, parser

__all__ = ["main", "parser"]
