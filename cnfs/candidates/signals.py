"""What a candidate's services announce; the apps above listen (connected in their
``ready()``). Sent inside the service's transaction.

- ``profile_changed(candidate_pk)``: zone, availability or status changed;
- ``withdrawn(candidate, by)``: the candidate left the programme (the open proposals go);
- ``erasing(candidate)``: the candidate's row is about to be deleted (the lists it was in
  free a place).
"""

from django.dispatch import Signal

profile_changed = Signal()
withdrawn = Signal()
erasing = Signal()
