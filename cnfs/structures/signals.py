"""What the structures' services announce; the apps above listen (connected in their
``ready()``). Sent inside the service's transaction.

- ``application_confirmed(structure)``: the contact confirmed the address, the application
  is received (it goes to the prefecture's opinion and the committee);
- ``opinion_requested(post_request)``: a request that needs the prefecture's opinion was
  filed (an application or an addition of posts);
- ``opinion_given(post_request)``: the prefecture gave (or changed) its opinion.
"""

from django.dispatch import Signal

application_confirmed = Signal()
opinion_requested = Signal()
opinion_given = Signal()
