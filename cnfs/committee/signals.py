"""What the committee announces; the apps above it listen (connected in their ``ready()``).

``decision_applied`` is sent inside the transaction that closes a session, once per
decision: a listener's work commits or fails with the closing (posts are created there).
Arguments: ``item`` (the AgendaItem), ``structure`` (locked), ``on`` (the day), ``by``.
"""

from django.dispatch import Signal

decision_applied = Signal()
# After the decisions of a session were applied: ``structure_pks`` whose posts may have
# changed (the matching refreshes their lists after commit).
session_closed = Signal()
