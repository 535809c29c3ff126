"""What the contracts announce; the apps above listen (connected in their ``ready()``).

Sent inside the service's transaction (a listener's work commits or fails with it):
- ``recruitment_validated(contract, by)``: the national team validated a recruitment;
- ``contract_end_validated(contract, by)``: the national team validated a contract's end
  (``contract.ended_on`` may be in the future: the person stays in post until then);
- ``contract_left(contract)``: the last day of a validated contract has passed (sent once
  by the daily command, or at once when the end is validated after that day).
"""

from django.dispatch import Signal

recruitment_validated = Signal()
contract_end_validated = Signal()
contract_left = Signal()
