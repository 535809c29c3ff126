"""What the contracts announce; the apps above listen (connected in their ``ready()``).

Sent inside the service's transaction (a listener's work commits or fails with it):
- ``recruitment_requested(contract)``: a structure asks to recruit (the national team
  decides);
- ``recruitment_validated(contract)`` / ``recruitment_rejected(contract, reason)``: the
  national team's decision;
- ``contract_end_requested(contract)``: an end is asked for (the national team decides);
- ``contract_end_validated(contract)``: the national team validated the end;
- ``contract_left(contract)``: the last day of a validated contract has passed (sent by the
  daily command, or at once when the end is validated after that day);
- ``training_scheduled(training)``: the dates of the initial training were set or changed;
- ``training_certified(training)``: the advisor obtained the certification.
"""

from django.dispatch import Signal

recruitment_requested = Signal()
recruitment_validated = Signal()
recruitment_rejected = Signal()
contract_end_requested = Signal()
contract_end_validated = Signal()
contract_left = Signal()
training_scheduled = Signal()
training_certified = Signal()
