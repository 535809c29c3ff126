"""What the contracts announce; the apps above listen (connected in their ``ready()``).

Sent inside the service's transaction (a listener's work commits or fails with it):
- ``contract_left(contract)``: the last day of a validated contract has passed (sent by the
  daily command, or at once when the end is validated after that day).
"""

from django.dispatch import Signal

contract_left = Signal()
